//! Threads in the random histories: a person starts one in a community, or replies in it.

use chrono::{DateTime, Utc};
use domain::thread::{PostBody, ThreadCommand};
use domain::values::{PostId, Title};
use store::EventMetadata;

use super::World;

impl World {
    /// Starts thread `t` in community `t` as `person`, or replies in it once started; the
    /// community decides the person's role, as the HTTP handlers put it into the command.
    pub(super) async fn post(&self, t: usize, person: usize, at: DateTime<Utc>) -> bool {
        let id = self.threads[t].to_string();
        let actor = self.people[person].clone();
        let community = self.communities[t];
        let role = self
            .community_bus
            .store()
            .load_fresh(&community.to_string())
            .await
            .unwrap()
            .aggregate
            .role_of(&actor.account);
        let started = self
            .thread_bus
            .store()
            .load_fresh(&id)
            .await
            .unwrap()
            .aggregate
            .header()
            .is_some();
        let body = PostBody::new("Compartamos lo aprendido.").unwrap();
        let command = if started {
            ThreadCommand::Reply {
                post_id: PostId::new(),
                actor,
                actor_role: role,
                body,
                at,
            }
        } else {
            ThreadCommand::StartThread {
                thread_id: self.threads[t],
                community_id: community,
                opening_post_id: PostId::new(),
                actor,
                actor_role: role,
                title: Title::new(format!("Tema {t}")).unwrap(),
                body,
                at,
            }
        };
        let meta = EventMetadata::system("proptest", "step");
        self.thread_bus.execute(&id, command, meta).await.is_ok()
    }
}
