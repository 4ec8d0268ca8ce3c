# Members and moderators, part 2: a project's lifecycle, leaving communities, restoring posts,
# one's library submissions, people's names.

## People
people-you = You
field-display-name-hint = Shown to the members and moderators you work with on the platform (never to visitors).
people-erased = A person whose data was erased

## Joint projects: the lifecycle
collab-project-back = Back to the project
collab-project-revise = Revise the project
collab-project-revise-title = Revise the joint project
collab-project-revise-heading = Revise the joint project
collab-project-revise-intro = Change what the project is. The form shows the project as you opened it: if someone changes it meanwhile, you will be asked to look again.
collab-project-changed = The project changed after you opened this form. It shows the project as it is now: make your changes again and save.
collab-project-revise-save = Save the revision
collab-project-activate = Start the project
collab-project-complete = Mark the project as completed
collab-project-withdraw = Withdraw the project
collab-project-withdraw-reason = Why withdraw it
collab-reason-optional = Optional; up to 1000 characters.
collab-invitation-decline-reason = Why decline (optional)
collab-project-done-revised = The project was revised.
collab-project-done-activated = The project has started.
collab-project-done-completed = The project is completed.
collab-project-done-withdrawn = The project was withdrawn.
error-collab-reason = A reason can have at most 1000 characters.

## Communities and threads
collab-community-leave = Leave the community
collab-community-withdraw = Take back my request
collab-community-done-left = You left the community.
collab-community-done-withdrawn = Your request was taken back.
collab-request-decline-reason = Why decline (optional)
collab-author-named-facilitator = { $name } (facilitator)
collab-post-restore = Restore the post
collab-thread-done-restored = The post was restored: everyone sees it again.

## The dashboard
collab-dashboard-submissions = My submissions to the library
collab-dashboard-no-submissions = You have not submitted anything to the library yet.
