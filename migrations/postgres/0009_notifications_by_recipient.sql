-- Mail addressed to one person: erasure deletes the `.eml` files written for them, and the
-- sign-up confirmation is found by its recipient.
CREATE INDEX notifications_by_recipient ON notifications (recipient, kind, created_at);
