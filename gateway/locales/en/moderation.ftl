# Texts of the moderators' queue and review, and of a manager's profile pages (English).

moderation-title = Moderation queue
moderation-heading = Moderation queue
moderation-intro = Everything waiting for a moderator, oldest first. Claim an item before reviewing it, so that other moderators know you are on it; a claim lapses after 30 minutes.
moderation-filters = Filter the queue
moderation-filter-kind = Kind
moderation-filter-country = Country
moderation-filter-apply = Show
moderation-all-kinds = All kinds
moderation-all-countries = All countries
moderation-kind-count = { $kind } ({ $count })
moderation-total = { $count ->
    [one] One item waits.
   *[other] { $shown } items wait.
}
moderation-empty = Nothing waits for a moderator here.
moderation-caption = Items waiting for review, oldest first
moderation-col-item = Item
moderation-col-kind = Kind
moderation-col-country = Country
moderation-col-age = Waiting for
moderation-col-claim = Reviewer
moderation-kind-initiative = New initiative
moderation-kind-profile-change = Profile change
moderation-kind-joint-project = Joint project
moderation-kind-publication = Publication
moderation-kind-news = News
moderation-kind-gathering = Gathering
moderation-kind-management-request = Request to manage
moderation-kind-join-request = Request to join
moderation-age-minutes = { $count ->
    [one] 1 minute
   *[other] { $shown } minutes
}
moderation-age-hours = { $count ->
    [one] 1 hour
   *[other] { $shown } hours
}
moderation-age-days = { $count ->
    [one] 1 day
   *[other] { $shown } days
}
moderation-claimed = Claimed by { $who } { $age } ago
moderation-claim-you = you
moderation-claim-other = moderator { $account }
moderation-claim = Claim
moderation-release = Release
moderation-claim-heading = Reviewer
moderation-unclaimed = Nobody has claimed this item.
moderation-claim-done = You have claimed this item for 30 minutes.
moderation-claim-taken = Another moderator claimed this item first. You can still read it.
moderation-done-approved = Approved. It has left the queue.
moderation-done-rejected = Rejected; the reason was sent. It has left the queue.
moderation-done-released = Your claim was released.
moderation-back = Back to the queue
moderation-submission = The submission
moderation-diff-heading = Proposed change, beside the approved profile
moderation-diff-field = Field
moderation-diff-current = Approved now
moderation-diff-proposed = Proposed
moderation-decision = Decision
moderation-approve = Approve
moderation-reject = Reject
moderation-reason = Reason for rejecting
moderation-reason-hint = Required to reject: the submitter reads it and can fix what you point out.
moderation-changed = This item changed after you opened it. Read it again as it is now, below, and then decide.
moderation-settled = This item no longer waits for a decision: someone decided or withdrew it meanwhile.
moderation-not-yours = You cannot decide this item because you submitted it or manage what it is about. Another moderator must review it.
moderation-requesters = Asked by (account)
moderation-field-location = Location (latitude, longitude)
moderation-field-governance = Governing body
moderation-field-description = Description
moderation-field-objectives = Objectives
moderation-field-lead = Lead initiative
moderation-field-partners = Partner initiatives
moderation-field-summary = Summary
moderation-field-when = When
moderation-field-where = Where
moderation-field-link = Link
moderation-field-author = Author (account)
error-reason = Write the reason for rejecting: 1 to 1,000 characters.
nav-moderation = Moderation
dashboard-moderation = Moderation
dashboard-moderation-link = { $count ->
    [one] Moderation queue: 1 item waits
   *[other] Moderation queue: { $shown } items wait
}

## A manager's page of their initiative
manage-title = Manage “{ $name }”
manage-intro = Change the profile below and save it. On an approved initiative, changes to the name, kind, country, region or location wait for a moderator; the other fields change at once.
manage-edit-heading = The profile
manage-save = Save the profile
manage-state-heading = Where it stands
manage-status = Review:
manage-change-rejected = A moderator rejected the last change of the profile:
manage-last-confirmed = Data last confirmed on { $date }.
manage-never-confirmed = The data has not been confirmed yet.
manage-confirm = Confirm the data is still accurate
manage-pending-heading = Change waiting for review
manage-pending-intro = Until a moderator decides it, the map shows the approved profile.
manage-pending-proposed = Waiting for review
manage-managers-heading = Managers
manage-you = { $account } (you)
manage-remove = Remove
manage-add = Add a manager
manage-account = Account id of the new manager
manage-account-hint = The person's account id, a UUID (the API gives it to them at GET /v1/me, as `id`).
manage-account-error = This is not the id of an active account that could become a manager.
manage-changed = The initiative changed after you opened this page. It is shown below as it is now; check it and try again.
manage-refused = This cannot be done now: the initiative's state does not allow it (for example, another change is already waiting for review).
manage-done-saved = The profile was saved. Changes that need review are shown beside the approved profile until a moderator decides them.
manage-done-confirmed = Thank you: the data is confirmed as accurate today.
manage-done-added = The manager was added.
manage-done-removed = The manager was removed.
manage-done-requested = Your request to manage the initiative was sent; its managers or a moderator will answer.
manage-section = Managing this initiative
manage-open = Manage this initiative
manage-request-intro = Do you take part in running this initiative? Ask to become one of its managers.
manage-request = Ask to manage it
problem-already-asked-title = Already asked
problem-already-asked-text = You already manage this initiative or have asked to manage it; your request waits for an answer.
