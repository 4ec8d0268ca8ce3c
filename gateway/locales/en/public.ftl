# Texts of the public library, communities and joint projects (English).

nav-publications = Publications
nav-news = News
nav-gatherings = Gatherings
nav-communities = Communities
nav-joint-projects = Joint projects
date-and-time = { $date }, { $time }
list-empty = Nothing matches these filters.
pager-first = First page

## Filters the address may carry, explained beside their field
error-q = Write between 1 and 200 characters of words to find.
error-from = Write a date such as 2026-10-01.
error-to = Write a date such as 2026-10-31, not before the first date.
error-when = Choose upcoming, past or all.
error-topic = Choose one of the topics offered.
error-format = Choose one of the formats offered.
error-cursor = This page link is no longer valid: start again from the first page.
error-limit = Choose between 1 and 100 results per page.
error-sector = Choose one of the sectors offered.
error-policy = Choose open or moderated.
error-state = Choose one of the states offered.
error-open-call = Choose whether the call for partners is open.

## The library
library-publications-title = Publications
library-publications-heading = Publications
library-publications-intro = Reports, studies, good practices, methodologies and training programmes shared by the initiatives of the region.
library-publications-count = { $count ->
    [0] No publication matches
    [one] { $shown } publication
   *[other] { $shown } publications
}
library-publications-back = All publications
library-news-title = News
library-news-heading = News
library-news-intro = What is happening in the region's productive articulation initiatives.
library-news-count = { $count ->
    [0] No news item matches
    [one] { $shown } news item
   *[other] { $shown } news items
}
library-news-back = All news
library-gatherings-title = Gatherings
library-gatherings-heading = Gatherings
library-gatherings-intro = Trainings, workshops, webinars, conferences and visits. Times are given in each gathering's own time zone.
library-gatherings-count = { $count ->
    [0] No gathering matches
    [one] { $shown } gathering
   *[other] { $shown } gatherings
}
library-gatherings-back = All gatherings
library-kind-publications = Publication
library-kind-news = News
library-kind-gatherings = Gathering
library-status-submitted = Waiting for review: only you and the moderators see it
library-status-rejected = Rejected: only you and the moderators see it
library-status-withdrawn = Withdrawn: only you and the moderators see it
library-filter-language = Language
library-filter-any-language = Any language
library-filter-topic = Topic
library-filter-any-topic = Any topic
library-filter-format = Format
library-filter-any-format = Any format
library-filter-when = When
library-when-upcoming = Upcoming
library-when-past = Past
library-when-all = All
library-filter-from = Starting from
library-filter-to = Starting until
library-filter-date-hint = A date, such as 2026-10-01.
library-subscribe = Subscribe to the calendar of upcoming gatherings (.ics)
library-subscribe-hint = Add its address to your calendar application to keep it up to date.
library-shelves-label = Other parts of the library
library-about = Details
library-field-kind = Kind
library-field-language = Language
library-field-topic = Topic
library-field-format = Format
library-field-submitted = Submitted on
library-field-link = Link
gathering-online = Online
gathering-when = When
gathering-zone = Time zone:
gathering-your-time = In your time zone
gathering-place = Where
gathering-ics = Add to my calendar (.ics)

## Communities of practice
communities-title = Communities of practice
communities-heading = Communities of practice
communities-intro = People from the initiatives share experience around a sector or a topic.
communities-count = { $count ->
    [0] No community matches
    [one] { $shown } community
   *[other] { $shown } communities
}
communities-back = All communities
communities-filter-policy = Joining
communities-filter-any-policy = Open or moderated
community-policy-open = Open to every member
community-policy-moderated = Joining is approved by its facilitators
community-members = { $count ->
    [0] No members yet
    [one] { $shown } member
   *[other] { $shown } members
}
community-threads = { $count ->
    [0] No threads yet
    [one] { $shown } thread
   *[other] { $shown } threads
}
community-replies = { $count ->
    [0] no replies
    [one] { $shown } reply
   *[other] { $shown } replies
}
community-latest = Latest activity
community-description = { $name }: a community of practice on { $theme }.
community-eyebrow = Community of practice
community-about = About the community
community-theme = Theme
community-joining = Joining
community-members-label = Members
community-created = Created on
community-sign-in = Sign in to take part
community-threads-heading = Threads
community-started = Started on

## Joint projects
projects-title = Joint projects
projects-heading = Joint projects
projects-intro = Projects that initiatives of the region carry out together, approved by the moderators.
projects-count = { $count ->
    [0] No project matches
    [one] { $shown } project
   *[other] { $shown } projects
}
projects-back = All joint projects
projects-filter-state = State
projects-filter-any-state = Any state
projects-filter-call = Call for partners
projects-filter-any-call = Open or closed
projects-call-open = Call for partners open
projects-call-closed = No open call
project-unknown-initiative = An initiative
project-lead = Lead
project-partners = Partners
project-eyebrow = Joint project
project-who = Who takes part
project-no-partners = No partner has joined yet.
project-interested = Interested in the call
project-about = About the project
project-state = State
project-call = Call for partners
project-countries = Countries
project-proposed = Proposed on
project-objectives = Objectives

## On an initiative's page
initiative-communities = Communities of practice
initiative-no-communities = Its managers belong to no community of practice yet.
initiative-projects = Joint projects
initiative-no-projects = It takes part in no public joint project yet.
initiative-projects-more = { $count ->
    [one] { $shown } project in all
   *[other] { $shown } projects in all
}
