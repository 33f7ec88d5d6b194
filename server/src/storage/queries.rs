//! The storage primitives of [`Tx`], written once in SQL both SQLite and PostgreSQL accept (the
//! row locks of PostgreSQL are the one difference), over any backend's [`Sql`].

use super::{
    DeviceRow, Dialect, EventRow, FeedRow, RecordRow, SResult, ScopeKey, Sql, TokenRow, Tx,
    UserRow, Val, WebSessionRow,
};

/// Whose feed and snapshot a read returns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadScope {
    /// An admin: everything.
    All,
    /// The readable keys stored for this user id.
    User(String),
}

/// Which tokens to revoke.
#[derive(Clone, Copy, Debug)]
pub enum TokenFilter<'a> {
    Hash(&'a str),
    Device(&'a str),
    User(&'a str),
}

type Row = Vec<Val>;

fn take(row: &mut Row, i: usize) -> Val {
    std::mem::replace(&mut row[i], Val::Null)
}

fn user_from(mut r: Row) -> SResult<UserRow> {
    Ok(UserRow {
        active: r[4].bool()?,
        id: take(&mut r, 0).text()?,
        username: take(&mut r, 1).text()?,
        display_name: take(&mut r, 2).text()?,
        role: take(&mut r, 3).text()?,
        password_hash: take(&mut r, 5).opt_text()?,
    })
}

fn device_from(mut r: Row) -> SResult<DeviceRow> {
    Ok(DeviceRow {
        registered_at: r[3].int()?,
        revoked_at: r[4].opt_int()?,
        last_seen_at: r[5].opt_int()?,
        stored_through: r[6].int()?,
        id: take(&mut r, 0).text()?,
        user_id: take(&mut r, 1).text()?,
        name: take(&mut r, 2).opt_text()?,
    })
}

fn record_from(mut r: Row) -> SResult<RecordRow> {
    Ok(RecordRow {
        entity: take(&mut r, 0).text()?,
        id: take(&mut r, 1).text()?,
        scope_key: take(&mut r, 2).text()?,
        parent_id: take(&mut r, 3).opt_text()?,
        fields: take(&mut r, 4).text()?,
        clocks: take(&mut r, 5).text()?,
    })
}

fn event_from(mut r: Row) -> SResult<EventRow> {
    Ok(EventRow {
        id: take(&mut r, 0).text()?,
        person_id: take(&mut r, 1).text()?,
        scope_key: take(&mut r, 2).text()?,
        hlc: take(&mut r, 3).text()?,
        payload: take(&mut r, 4).text()?,
    })
}

fn feed_from(mut r: Row) -> SResult<FeedRow> {
    Ok(FeedRow {
        seq: r[0].int()?,
        scope_key: take(&mut r, 1).text()?,
        entity: take(&mut r, 2).text()?,
        entity_id: take(&mut r, 3).text()?,
        op: take(&mut r, 4).text()?,
        hlc: take(&mut r, 5).text()?,
        payload: take(&mut r, 6).text()?,
        origin_device: take(&mut r, 7).text()?,
    })
}

fn first<T>(rows: Vec<Row>, f: impl FnOnce(Row) -> SResult<T>) -> SResult<Option<T>> {
    rows.into_iter().next().map(f).transpose()
}

fn all<T>(rows: Vec<Row>, f: impl Fn(Row) -> SResult<T>) -> SResult<Vec<T>> {
    rows.into_iter().map(f).collect()
}

impl<T: Sql + ?Sized> Tx for T {
    fn meta_get(&mut self, key: &str) -> SResult<Option<String>> {
        let rows = self.query("SELECT value FROM meta WHERE key = $1", &[key.into()])?;
        first(rows, |mut r| take(&mut r, 0).text())
    }

    fn meta_set(&mut self, key: &str, value: &str) -> SResult<()> {
        self.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[key.into(), value.into()],
        )?;
        Ok(())
    }

    fn user_by_name(&mut self, username: &str) -> SResult<Option<UserRow>> {
        let rows = self.query(
            "SELECT id, username, display_name, role, active, password_hash FROM users WHERE username = $1",
            &[username.into()],
        )?;
        first(rows, user_from)
    }

    fn user_by_id(&mut self, id: &str) -> SResult<Option<UserRow>> {
        let rows = self.query(
            "SELECT id, username, display_name, role, active, password_hash FROM users WHERE id = $1",
            &[id.into()],
        )?;
        first(rows, user_from)
    }

    fn users(&mut self) -> SResult<Vec<UserRow>> {
        let rows = self.query(
            "SELECT id, username, display_name, role, active, password_hash FROM users ORDER BY username",
            &[],
        )?;
        all(rows, user_from)
    }

    fn upsert_user(&mut self, row: &UserRow) -> SResult<()> {
        self.execute(
            "INSERT INTO users (id, username, display_name, role, active, password_hash)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (id) DO UPDATE SET username = excluded.username,
               display_name = excluded.display_name, role = excluded.role, active = excluded.active,
               password_hash = COALESCE(excluded.password_hash, users.password_hash)",
            &[
                (&row.id).into(),
                (&row.username).into(),
                (&row.display_name).into(),
                (&row.role).into(),
                row.active.into(),
                row.password_hash.clone().into(),
            ],
        )?;
        Ok(())
    }

    fn user_areas(&mut self, user: &str) -> SResult<Vec<String>> {
        let rows = self.query(
            "SELECT area_id FROM user_area WHERE user_id = $1 ORDER BY area_id",
            &[user.into()],
        )?;
        all(rows, |mut r| take(&mut r, 0).text())
    }

    fn set_user_areas(&mut self, user: &str, areas: &[String]) -> SResult<()> {
        self.execute("DELETE FROM user_area WHERE user_id = $1", &[user.into()])?;
        for a in areas {
            self.execute(
                "INSERT INTO user_area (user_id, area_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[user.into(), a.into()],
            )?;
        }
        Ok(())
    }

    fn user_keys(&mut self, user: &str) -> SResult<Vec<ScopeKey>> {
        let rows = self.query(
            "SELECT scope_key, readable, writable FROM user_key WHERE user_id = $1 ORDER BY scope_key",
            &[user.into()],
        )?;
        all(rows, |mut r| {
            Ok(ScopeKey {
                read: r[1].bool()?,
                write: r[2].bool()?,
                key: take(&mut r, 0).text()?,
            })
        })
    }

    fn set_user_keys(&mut self, user: &str, keys: &[ScopeKey]) -> SResult<()> {
        self.execute("DELETE FROM user_key WHERE user_id = $1", &[user.into()])?;
        for k in keys {
            self.execute(
                "INSERT INTO user_key (user_id, scope_key, readable, writable) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
                &[user.into(), (&k.key).into(), k.read.into(), k.write.into()],
            )?;
        }
        Ok(())
    }

    fn device(&mut self, id: &str, lock: bool) -> SResult<Option<DeviceRow>> {
        let sql = if lock && self.dialect() == Dialect::Postgres {
            "SELECT id, user_id, name, registered_at, revoked_at, last_seen_at, stored_through
             FROM device WHERE id = $1 FOR UPDATE"
        } else {
            "SELECT id, user_id, name, registered_at, revoked_at, last_seen_at, stored_through
             FROM device WHERE id = $1"
        };
        let rows = self.query(sql, &[id.into()])?;
        first(rows, device_from)
    }

    fn insert_device(&mut self, row: &DeviceRow) -> SResult<()> {
        self.execute(
            "INSERT INTO device (id, user_id, name, registered_at, revoked_at, last_seen_at, stored_through)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                (&row.id).into(),
                (&row.user_id).into(),
                row.name.clone().into(),
                row.registered_at.into(),
                row.revoked_at.into(),
                row.last_seen_at.into(),
                row.stored_through.into(),
            ],
        )?;
        Ok(())
    }

    fn devices(&mut self) -> SResult<Vec<DeviceRow>> {
        let rows = self.query(
            "SELECT id, user_id, name, registered_at, revoked_at, last_seen_at, stored_through
             FROM device ORDER BY registered_at, id",
            &[],
        )?;
        all(rows, device_from)
    }

    fn set_device_seen(&mut self, id: &str, at: i64) -> SResult<()> {
        self.execute(
            "UPDATE device SET last_seen_at = $2 WHERE id = $1",
            &[id.into(), at.into()],
        )?;
        Ok(())
    }

    fn set_stored_through(&mut self, id: &str, seq: i64) -> SResult<()> {
        self.execute(
            "UPDATE device SET stored_through = $2 WHERE id = $1",
            &[id.into(), seq.into()],
        )?;
        Ok(())
    }

    fn revoke_device(&mut self, id: &str, at: i64) -> SResult<bool> {
        let n = self.execute(
            "UPDATE device SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            &[id.into(), at.into()],
        )?;
        Ok(n > 0)
    }

    fn insert_token(&mut self, row: &TokenRow) -> SResult<()> {
        self.execute(
            "INSERT INTO token (hash, user_id, device_id, created_at, expires_at, revoked_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                (&row.hash).into(),
                (&row.user_id).into(),
                (&row.device_id).into(),
                row.created_at.into(),
                row.expires_at.into(),
                row.revoked_at.into(),
            ],
        )?;
        Ok(())
    }

    fn token(&mut self, hash: &str) -> SResult<Option<TokenRow>> {
        let rows = self.query(
            "SELECT hash, user_id, device_id, created_at, expires_at, revoked_at FROM token WHERE hash = $1",
            &[hash.into()],
        )?;
        first(rows, |mut r| {
            Ok(TokenRow {
                created_at: r[3].int()?,
                expires_at: r[4].int()?,
                revoked_at: r[5].opt_int()?,
                hash: take(&mut r, 0).text()?,
                user_id: take(&mut r, 1).text()?,
                device_id: take(&mut r, 2).text()?,
            })
        })
    }

    fn revoke_tokens(&mut self, which: TokenFilter<'_>, at: i64) -> SResult<u64> {
        let (sql, key) = match which {
            TokenFilter::Hash(h) => (
                "UPDATE token SET revoked_at = $2 WHERE hash = $1 AND revoked_at IS NULL",
                h,
            ),
            TokenFilter::Device(d) => (
                "UPDATE token SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL",
                d,
            ),
            TokenFilter::User(u) => (
                "UPDATE token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
                u,
            ),
        };
        self.execute(sql, &[key.into(), at.into()])
    }

    fn insert_web_session(&mut self, row: &WebSessionRow) -> SResult<()> {
        self.execute(
            "INSERT INTO web_session (hash, user_id, csrf, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                (&row.hash).into(),
                (&row.user_id).into(),
                (&row.csrf).into(),
                row.created_at.into(),
                row.expires_at.into(),
            ],
        )?;
        Ok(())
    }

    fn web_session(&mut self, hash: &str) -> SResult<Option<WebSessionRow>> {
        let rows = self.query(
            "SELECT hash, user_id, csrf, created_at, expires_at FROM web_session WHERE hash = $1",
            &[hash.into()],
        )?;
        first(rows, |mut r| {
            Ok(WebSessionRow {
                created_at: r[3].int()?,
                expires_at: r[4].int()?,
                hash: take(&mut r, 0).text()?,
                user_id: take(&mut r, 1).text()?,
                csrf: take(&mut r, 2).text()?,
            })
        })
    }

    fn end_web_session(&mut self, hash: &str, now: i64) -> SResult<()> {
        self.execute(
            "DELETE FROM web_session WHERE hash = $1 OR expires_at <= $2",
            &[hash.into(), now.into()],
        )?;
        Ok(())
    }

    fn dashboard_targets(&mut self, user: &str) -> SResult<Vec<(String, i64)>> {
        self.query(
            "SELECT indicator, percent_tenths FROM dashboard_target WHERE user_id = $1 ORDER BY indicator",
            &[user.into()],
        )?
        .into_iter()
        .map(|mut r| Ok((take(&mut r, 0).text()?, r[1].int()?)))
        .collect()
    }

    fn set_dashboard_target(
        &mut self,
        user: &str,
        indicator: &str,
        percent_tenths: Option<i64>,
    ) -> SResult<()> {
        match percent_tenths {
            Some(t) => self.execute(
                "INSERT INTO dashboard_target (user_id, indicator, percent_tenths) VALUES ($1, $2, $3)
                 ON CONFLICT (user_id, indicator) DO UPDATE SET percent_tenths = excluded.percent_tenths",
                &[user.into(), indicator.into(), t.into()],
            )?,
            None => self.execute(
                "DELETE FROM dashboard_target WHERE user_id = $1 AND indicator = $2",
                &[user.into(), indicator.into()],
            )?,
        };
        Ok(())
    }

    fn insert_refusal(
        &mut self,
        device: &str,
        seq: i64,
        code: &str,
        reason: &str,
        at_ms: i64,
    ) -> SResult<()> {
        self.execute(
            "INSERT INTO refusal (device_id, seq, code, reason, refused_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING",
            &[
                device.into(),
                seq.into(),
                code.into(),
                reason.into(),
                at_ms.into(),
            ],
        )?;
        Ok(())
    }

    fn refusal_counts(&mut self, from: i64, to: i64) -> SResult<Vec<(String, i64)>> {
        let rows = self.query(
            "SELECT device_id, COUNT(*) FROM refusal WHERE refused_at >= $1 AND refused_at < $2
             GROUP BY device_id ORDER BY device_id",
            &[from.into(), to.into()],
        )?;
        all(rows, |mut r| Ok((take(&mut r, 0).text()?, r[1].int()?)))
    }

    fn refusals(
        &mut self,
        device: &str,
        from: i64,
        to: i64,
    ) -> SResult<Vec<(i64, String, String)>> {
        let rows = self.query(
            "SELECT seq, code, reason FROM refusal WHERE device_id = $1 AND seq >= $2 AND seq <= $3
             ORDER BY seq",
            &[device.into(), from.into(), to.into()],
        )?;
        all(rows, |mut r| {
            Ok((
                r[0].int()?,
                take(&mut r, 1).text()?,
                take(&mut r, 2).text()?,
            ))
        })
    }

    fn record(&mut self, entity: &str, id: &str) -> SResult<Option<RecordRow>> {
        let rows = self.query(
            "SELECT entity, id, scope_key, parent_id, fields, clocks FROM record
             WHERE entity = $1 AND id = $2",
            &[entity.into(), id.into()],
        )?;
        first(rows, record_from)
    }

    fn put_record(&mut self, row: &RecordRow) -> SResult<()> {
        self.execute(
            "INSERT INTO record (entity, id, scope_key, parent_id, fields, clocks)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (entity, id) DO UPDATE SET scope_key = excluded.scope_key,
               parent_id = excluded.parent_id, fields = excluded.fields, clocks = excluded.clocks",
            &[
                (&row.entity).into(),
                (&row.id).into(),
                (&row.scope_key).into(),
                row.parent_id.clone().into(),
                (&row.fields).into(),
                (&row.clocks).into(),
            ],
        )?;
        Ok(())
    }

    fn set_record_scope(&mut self, entity: &str, id: &str, scope_key: &str) -> SResult<()> {
        self.execute(
            "UPDATE record SET scope_key = $3 WHERE entity = $1 AND id = $2",
            &[entity.into(), id.into(), scope_key.into()],
        )?;
        Ok(())
    }

    fn children(&mut self, entity: &str, parent_id: &str) -> SResult<Vec<RecordRow>> {
        let rows = self.query(
            "SELECT entity, id, scope_key, parent_id, fields, clocks FROM record
             WHERE entity = $1 AND parent_id = $2 ORDER BY id",
            &[entity.into(), parent_id.into()],
        )?;
        all(rows, record_from)
    }

    fn records(&mut self, entity: &str) -> SResult<Vec<RecordRow>> {
        let rows = self.query(
            "SELECT entity, id, scope_key, parent_id, fields, clocks FROM record
             WHERE entity = $1 ORDER BY id",
            &[entity.into()],
        )?;
        all(rows, record_from)
    }

    fn record_page(
        &mut self,
        entity: &str,
        after_id: &str,
        scope: &ReadScope,
        limit: i64,
    ) -> SResult<Vec<RecordRow>> {
        let rows = match scope {
            ReadScope::All => self.query(
                "SELECT entity, id, scope_key, parent_id, fields, clocks FROM record
                 WHERE entity = $1 AND id > $2 ORDER BY id LIMIT $3",
                &[entity.into(), after_id.into(), limit.into()],
            )?,
            ReadScope::User(user) => self.query(
                "SELECT entity, id, scope_key, parent_id, fields, clocks FROM record
                 WHERE entity = $1 AND id > $2
                   AND scope_key IN (SELECT scope_key FROM user_key WHERE user_id = $3 AND readable)
                 ORDER BY id LIMIT $4",
                &[entity.into(), after_id.into(), user.into(), limit.into()],
            )?,
        };
        all(rows, record_from)
    }

    fn event_exists(&mut self, id: &str) -> SResult<bool> {
        Ok(!self
            .query("SELECT 1 FROM event WHERE id = $1", &[id.into()])?
            .is_empty())
    }

    fn insert_event(&mut self, row: &EventRow) -> SResult<()> {
        self.execute(
            "INSERT INTO event (id, person_id, scope_key, hlc, payload) VALUES ($1, $2, $3, $4, $5)",
            &[
                (&row.id).into(),
                (&row.person_id).into(),
                (&row.scope_key).into(),
                (&row.hlc).into(),
                (&row.payload).into(),
            ],
        )?;
        Ok(())
    }

    fn events_of_person(&mut self, person: &str) -> SResult<Vec<EventRow>> {
        let rows = self.query(
            "SELECT id, person_id, scope_key, hlc, payload FROM event WHERE person_id = $1 ORDER BY id",
            &[person.into()],
        )?;
        all(rows, event_from)
    }

    fn set_events_scope(&mut self, person: &str, scope_key: &str) -> SResult<()> {
        self.execute(
            "UPDATE event SET scope_key = $2 WHERE person_id = $1",
            &[person.into(), scope_key.into()],
        )?;
        Ok(())
    }

    fn event_page(
        &mut self,
        after_id: &str,
        scope: &ReadScope,
        limit: i64,
    ) -> SResult<Vec<EventRow>> {
        let rows = match scope {
            ReadScope::All => self.query(
                "SELECT id, person_id, scope_key, hlc, payload FROM event
                 WHERE id > $1 ORDER BY id LIMIT $2",
                &[after_id.into(), limit.into()],
            )?,
            ReadScope::User(user) => self.query(
                "SELECT id, person_id, scope_key, hlc, payload FROM event
                 WHERE id > $1 AND scope_key IN (SELECT scope_key FROM user_key WHERE user_id = $2 AND readable)
                 ORDER BY id LIMIT $3",
                &[after_id.into(), user.into(), limit.into()],
            )?,
        };
        all(rows, event_from)
    }

    fn feed_head(&mut self, lock: bool) -> SResult<i64> {
        let sql = if lock && self.dialect() == Dialect::Postgres {
            "SELECT seq FROM feed_counter WHERE id = 1 FOR UPDATE"
        } else {
            "SELECT seq FROM feed_counter WHERE id = 1"
        };
        let rows = self.query(sql, &[])?;
        Ok(first(rows, |r| r[0].int())?.unwrap_or(0))
    }

    fn set_feed_head(&mut self, seq: i64) -> SResult<()> {
        self.execute(
            "UPDATE feed_counter SET seq = $1 WHERE id = 1",
            &[seq.into()],
        )?;
        Ok(())
    }

    fn insert_feed(&mut self, row: &FeedRow) -> SResult<()> {
        self.execute(
            "INSERT INTO feed (seq, scope_key, entity, entity_id, op, hlc, payload, origin_device)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                row.seq.into(),
                (&row.scope_key).into(),
                (&row.entity).into(),
                (&row.entity_id).into(),
                (&row.op).into(),
                (&row.hlc).into(),
                (&row.payload).into(),
                (&row.origin_device).into(),
            ],
        )?;
        Ok(())
    }

    fn feed_page(
        &mut self,
        after: i64,
        through: i64,
        scope: &ReadScope,
        exclude_device: &str,
        limit: i64,
    ) -> SResult<Vec<FeedRow>> {
        let rows = match scope {
            ReadScope::All => self.query(
                "SELECT seq, scope_key, entity, entity_id, op, hlc, payload, origin_device FROM feed
                 WHERE seq > $1 AND seq <= $2 AND origin_device <> $3 ORDER BY seq LIMIT $4",
                &[after.into(), through.into(), exclude_device.into(), limit.into()],
            )?,
            ReadScope::User(user) => self.query(
                "SELECT seq, scope_key, entity, entity_id, op, hlc, payload, origin_device FROM feed
                 WHERE seq > $1 AND seq <= $2 AND origin_device <> $3
                   AND scope_key IN (SELECT scope_key FROM user_key WHERE user_id = $4 AND readable)
                 ORDER BY seq LIMIT $5",
                &[
                    after.into(),
                    through.into(),
                    exclude_device.into(),
                    user.into(),
                    limit.into(),
                ],
            )?,
        };
        all(rows, feed_from)
    }
}
