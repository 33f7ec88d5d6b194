//! Crash injection: a writer process is killed (SIGKILL) at an arbitrary moment while registering
//! households. After reopening, everything it reported committed is there, and nothing is half
//! written: every household has all its members, and every record its outbox entry.

mod common;

use common::*;
use ilp_model::{JknStatus, Relation, Sex};
use ilp_store::households;
use ilp_store::input::{HouseholdInput, MotherRef, PersonInput};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use time::macros::date;

const TEST_NAME: &str =
    "a_writer_killed_mid_write_loses_nothing_committed_and_leaves_nothing_half_written";

fn family(n: usize) -> Vec<PersonInput> {
    vec![
        PersonInput {
            name: Some(format!("Yohanes Tefa {n}")),
            sex: Some(Sex::Male),
            birth_date: Some(date!(1985 - 03 - 01)),
            relation: Some(Relation::Head),
            ..Default::default()
        },
        PersonInput {
            name: Some(format!("Agustina Tefa {n}")),
            sex: Some(Sex::Female),
            birth_date: Some(date!(1990 - 06 - 01)),
            relation: Some(Relation::Spouse),
            ..Default::default()
        },
        PersonInput {
            name: Some(format!("Novita Tefa {n}")),
            sex: Some(Sex::Female),
            birth_date: Some(date!(2024 - 06 - 01)),
            relation: Some(Relation::Child),
            mother: Some(MotherRef::Member(1)),
            ..Default::default()
        },
    ]
}

/// The child process: registers households forever, announcing each commit.
fn writer(path: &str) {
    let store = open(std::path::Path::new(path), Some(key()));
    let tree = match store
        .read(|c| Ok(ilp_store::areas::area_tree(c)?.len()))
        .unwrap()
    {
        0 => seed_tree(&store),
        _ => Tree {
            village: ilp_model::AreaId::from_random_bytes([12; 16]),
            rw: ilp_model::AreaId::from_random_bytes([13; 16]),
            rt1: ilp_model::AreaId::from_random_bytes([14; 16]),
            rt2: ilp_model::AreaId::from_random_bytes([15; 16]),
            kader: ilp_model::UserId::from_random_bytes([2; 16]),
        },
    };
    let out = std::io::stdout();
    for n in 0.. {
        let h = HouseholdInput {
            rt: tree.rt1,
            kk_number: None,
            address: Some(format!("Jl. Oesapa Raya No. {n}")),
            gps: None,
            jkn: JknStatus::Pbi,
            clean_water: Some(true),
            healthy_latrine: Some(true),
            notes: None,
        };
        let reg = store
            .write(&ctx(tree.kader), |w| {
                households::register(w, &h, &family(n))
            })
            .unwrap();
        let mut o = out.lock();
        writeln!(o, "committed {}", reg.household).unwrap();
        o.flush().unwrap();
    }
}

#[test]
fn a_writer_killed_mid_write_loses_nothing_committed_and_leaves_nothing_half_written() {
    if let Ok(path) = std::env::var("ILP_CRASH_WRITER") {
        writer(&path);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    let mut acknowledged: Vec<String> = Vec::new();
    for (round, kill_after) in [7usize, 23, 41, 3].into_iter().enumerate() {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads", "1"])
            .env("ILP_CRASH_WRITER", &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut seen = 0;
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            if let Some(id) = line.strip_prefix("committed ") {
                acknowledged.push(id.to_string());
                seen += 1;
                if seen == kill_after {
                    child.kill().unwrap();
                    break;
                }
            }
        }
        child.wait().unwrap();

        let store = open(&path, Some(key()));
        assert!(
            store.integrity_check().unwrap().is_empty(),
            "round {round}: integrity"
        );
        let (households, persons, hh_outbox, person_outbox, orphans, ids): (i64, i64, i64, i64, i64, Vec<String>) = store
            .read(|c| {
                let q = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0));
                let mut st = c.prepare("SELECT id FROM household")?;
                let ids = st.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
                Ok((
                    q("SELECT count(*) FROM household")?,
                    q("SELECT count(*) FROM person")?,
                    q("SELECT count(*) FROM outbox WHERE entity = 'household'")?,
                    q("SELECT count(*) FROM outbox WHERE entity = 'person'")?,
                    q("SELECT count(*) FROM household h WHERE (SELECT count(*) FROM person p WHERE p.household_id = h.id) != 3")?,
                    ids,
                ))
            })
            .unwrap();
        assert_eq!(
            persons,
            households * 3,
            "round {round}: members all there or none"
        );
        assert_eq!(
            orphans, 0,
            "round {round}: no household with a partial family"
        );
        assert_eq!(
            hh_outbox, households,
            "round {round}: one outbox entry per household"
        );
        assert_eq!(
            person_outbox, persons,
            "round {round}: one outbox entry per person"
        );
        for id in &acknowledged {
            assert!(
                ids.contains(id),
                "round {round}: acknowledged household {id} lost"
            );
        }
        assert!(households as usize >= acknowledged.len());
        store.close().unwrap();
    }
}
