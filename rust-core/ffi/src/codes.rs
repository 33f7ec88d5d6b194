//! Pick lists for the forms: each code with its Bahasa Indonesia label, so the apps never hard-code
//! a list the core already owns.

use crate::views::NikWarningView;
use ilp_model::{Antigen, DangerSign, JknStatus, NikWarning, Relation, ServiceKind};

#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct CodeLabel {
    pub code: String,
    pub label: String,
}

fn list<T>(
    items: &[T],
    code: impl Fn(&T) -> String,
    label: impl Fn(&T) -> String,
) -> Vec<CodeLabel> {
    items
        .iter()
        .map(|i| CodeLabel {
            code: code(i),
            label: label(i),
        })
        .collect()
}

#[uniffi::export]
pub fn relation_codes() -> Vec<CodeLabel> {
    list(
        Relation::KNOWN,
        |r| r.code().into(),
        |r| r.label_id().into(),
    )
}

#[uniffi::export]
pub fn jkn_codes() -> Vec<CodeLabel> {
    list(
        JknStatus::KNOWN,
        |j| j.code().into(),
        |j| j.label_id().into(),
    )
}

#[uniffi::export]
pub fn antigen_codes() -> Vec<CodeLabel> {
    list(
        Antigen::KNOWN,
        |a| a.code().into(),
        |a| {
            match a {
                Antigen::Hb0 => "HB0 (Hepatitis B lahir)",
                Antigen::Bcg => "BCG",
                Antigen::Opv => "Polio tetes (OPV)",
                Antigen::DptHbHib => "DPT-HB-Hib",
                Antigen::Pcv => "PCV",
                Antigen::Rv => "Rotavirus (RV)",
                Antigen::Ipv => "Polio suntik (IPV)",
                Antigen::Mr => "Campak-Rubela (MR)",
                Antigen::Je => "Japanese Encephalitis (JE)",
                Antigen::Dt => "DT",
                Antigen::Td => "Td",
                Antigen::Hpv => "HPV",
                Antigen::Tt => "TT",
                Antigen::Other(_) => "Lainnya",
            }
            .into()
        },
    )
}

#[uniffi::export]
pub fn service_codes() -> Vec<CodeLabel> {
    list(
        ServiceKind::KNOWN,
        |s| s.code().into(),
        |s| {
            match s {
                ServiceKind::VitaminABlue => "Vitamin A biru (100.000 IU)",
                ServiceKind::VitaminARed => "Vitamin A merah (200.000 IU)",
                ServiceKind::IronTablets => "Tablet tambah darah (TTD)",
                ServiceKind::MbgPackage => "Paket Makan Bergizi Gratis (MBG)",
                ServiceKind::Pmt => "Pemberian makanan tambahan (PMT)",
                ServiceKind::OralitZinc => "Oralit dan zinc",
                ServiceKind::FamilyPlanning => "Pelayanan KB",
                ServiceKind::Other(_) => "Lainnya",
            }
            .into()
        },
    )
}

#[uniffi::export]
pub fn danger_sign_codes() -> Vec<CodeLabel> {
    list(
        DangerSign::KNOWN,
        |d| d.code().into(),
        |d| {
            match d {
                DangerSign::Bleeding => "Perdarahan",
                DangerSign::HighFever => "Demam tinggi",
                DangerSign::SevereHeadacheBlurredVision => "Sakit kepala hebat / pandangan kabur",
                DangerSign::Convulsions => "Kejang",
                DangerSign::SwellingFaceHands => "Bengkak di muka atau tangan",
                DangerSign::ReducedFetalMovement => "Gerakan janin berkurang",
                DangerSign::WatersBrokeEarly => "Air ketuban pecah sebelum waktunya",
                DangerSign::PersistentVomiting => "Muntah terus-menerus",
                DangerSign::BreathingDifficulty => "Sesak napas",
                DangerSign::FoulDischarge => "Keluar cairan berbau dari jalan lahir",
                DangerSign::NotFeeding => "Tidak mau menyusu",
                DangerSign::Lethargic => "Lemah, tidak aktif",
                DangerSign::FastBreathing => "Napas cepat",
                DangerSign::ChestIndrawing => "Tarikan dinding dada ke dalam",
                DangerSign::Hypothermia => "Tubuh dingin (hipotermia)",
                DangerSign::Jaundice => "Kulit dan mata kuning",
                DangerSign::UmbilicalInfection => "Tali pusat kemerahan / bernanah",
                DangerSign::DiarrhoeaDehydration => "Diare dengan dehidrasi",
                DangerSign::SevereWasting => "Sangat kurus",
                DangerSign::ChestPain => "Nyeri dada",
                DangerSign::StrokeSigns => "Tanda stroke (wajah mencong, lemah sebelah)",
                DangerSign::Unconscious => "Tidak sadar",
                DangerSign::SevereMentalCrisis => "Krisis kejiwaan berat",
                DangerSign::Other(_) => "Lainnya",
            }
            .into()
        },
    )
}

pub(crate) fn nik_warning(member_index: u32, w: &NikWarning) -> NikWarningView {
    NikWarningView {
        member_index,
        code: match w {
            NikWarning::SexMismatch { .. } => "sex_mismatch",
            NikWarning::BirthDateMismatch { .. } => "birth_date_mismatch",
        }
        .into(),
        message: w.message_id(),
    }
}
