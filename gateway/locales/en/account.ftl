# Texts of signing in and of one's own account (English).

nav-account-label = Your account
nav-account = My account
nav-sign-out = Sign out
nav-sign-in = Sign in
nav-sign-up = Sign up

## Forms
form-has-errors = Some fields need another look:
form-too-many = Too many attempts. Wait a few minutes and try again.
error-field = Check this value.
error-email = Enter an email address such as name@example.org.
error-display-name = Enter a name of 1 to 100 characters, on one line.
error-password = Use 12 to 128 characters, not a common password, and not the name part of your email.
error-new-password = Use 12 to 128 characters, not a common password, and not the name part of your email.
error-current-password = This is not your current password.
error-phone = Enter 7 to 15 digits, optionally starting with +; spaces, dashes and brackets are fine.
error-language = Choose one of the languages offered.
field-email = Email
field-password = Password
field-new-password = New password
field-current-password = Current password
field-display-name = Your name
field-phone = Phone (optional)
field-language = Language of the platform and of its mail
field-account-id = Account id
field-secret = One-time secret
hint-password = At least 12 characters. A phrase of several words is easy to remember and hard to guess.
hint-phone = Only the platform's moderators and administrators can see it.
hint-confirm-password = The password you chose when signing up.
hint-language = Pages are shown in this language when you sign in.
problem-forged-title = This form was not accepted
problem-forged-text = It did not come from a page of this site, or the page was too old. Go back, reload the page and send it again.

## Signing in and up
sign-in-title = Sign in
sign-in-submit = Sign in
sign-in-no-account = No account yet? Sign up
sign-in-wrong = The email or the password is not right, or the account has not been confirmed or activated yet.
sign-up-title = Sign up
sign-up-intro = Sign up to register your initiative, take part in communities of practice and propose joint projects. We will send a link to your address to confirm it.
sign-up-submit = Sign up
sign-up-have-account = Already have an account? Sign in
sign-up-received-title = Check your mail
sign-up-received-text = We have sent a message to the address you gave. Open its link and enter your password to activate the account. If the address already had an account, the message says so instead.
confirm-title = Confirm your address
confirm-intro = Enter the password you chose when signing up to activate your account.
confirm-submit = Confirm and activate
confirm-refused = The link is not right or has expired, or the password is not the one chosen when signing up.
activate-title = Activate your account
activate-intro = Choose the password of the account that was created for you, with the one-time secret you were given.
activate-submit = Activate
activate-refused = The account id or the one-time secret is not right, has expired, or the account is already active.
done-confirmed = Your address is confirmed. Sign in.
done-activated = Your account is active. Sign in with your new password.
done-password = Your password has changed and every session has been signed out. Sign in with the new password.
done-everywhere = You have been signed out on every device.
done-signed-out = You have signed out.
done-profile = Your profile has been saved.
done-notifications = Your mail preferences have been saved.

## One's own account
account-title = My account
account-heading = My account
account-signed-in-as = Signed in as
account-roles = Roles:
account-profile = Profile and language
account-profile-save = Save profile
account-mail = Mail
account-mail-legend = Send me mail when
account-mail-save = Save mail preferences
account-password = Password
account-password-note = Changing it signs you out on every device, this one too.
account-password-save = Change password
account-sessions = Sessions
account-sessions-note = If you signed in on a device you no longer use, sign out everywhere.
account-sign-out-everywhere = Sign out everywhere
mail-kind-to-review = there is something new to review (moderators)
mail-kind-decision = my submissions are approved or rejected
mail-kind-invitation = an initiative I manage is invited to a joint project
mail-kind-partner-response = a partner answers about a joint project we lead
mail-kind-join-request = someone asks to join a community I facilitate
mail-kind-join-accepted = my request to join a community is accepted
role-member = member
role-moderator = moderator
role-auditor = auditor
role-admin = administrator
