//! Ending the Posyandu session on its day. Absentees normally become home visits the morning
//! after; a kader who ends the session makes them home visits at once, on this phone: the
//! session screen marks them `home_visit` and the worklist lists them with
//! `missed_posyandu_on` = that day. The closure stays on the device (it is the kader's own act,
//! kept in the store's local `meta`, never synced); other phones see the missed session the next
//! day as before.

use crate::error::{IlpError, validation};
use crate::{IlpCore, PosyanduSessionView, forms, now};
use ilp_model::PosyanduId;

#[uniffi::export]
impl IlpCore {
    /// Ends the session of a Posyandu on `date` (YYYY-MM-DD, today or earlier): everyone
    /// expected who did not come becomes a home visit now. Returns the session screen as it
    /// reads afterwards (`ended` true). Ending it again changes nothing; a future date is a
    /// validation error on `date`; a Posyandu outside the user's area is refused.
    pub fn end_posyandu_session(
        &self,
        posyandu_id: String,
        date: String,
    ) -> Result<PosyanduSessionView, IlpError> {
        let id: PosyanduId = forms::parse_id("posyandu_id", &posyandu_id)?;
        let day = forms::parse_date("date", &date)?;
        let now = now();
        if day > self.today_at(now) {
            return Err(validation(
                "date",
                "is in the future; a session is ended on its day or later",
            ));
        }
        self.check_posyandu(id)?;
        self.store.end_posyandu_session(id, day, now)?;
        self.posyandu_session(posyandu_id, day.to_string())
    }
}
