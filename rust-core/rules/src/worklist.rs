//! The worklist: a user's open due items for a date, grouped by household (a stop on the walk),
//! households grouped by RT, ordered by priority, and within an RT as a walking route where
//! households have GPS. Pure: the store hands in the open items and where each household is.

use crate::due::{DueItem, DueKind, DueStatus};
use ilp_model::{AreaId, GeoPoint, HouseholdId, PersonId};
use std::collections::HashMap;
use time::{Date, Duration};

/// Why an item is on today's list, most urgent first (the order of the variants is the order of
/// the list).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// A follow-up of a danger sign or a referral.
    FollowUp,
    /// Overdue, for a high-risk person (pregnancy with danger signs, child below the red line).
    OverdueHighRisk,
    Overdue,
    /// The due date is today.
    DueToday,
    /// Due within the next seven days.
    DueThisWeek,
    /// Window open, due later.
    DueLater,
}

impl Priority {
    /// `None` for items that are not open on `today` (upcoming, done, missed, not allowed).
    pub fn of(item: &DueItem, today: Date) -> Option<Priority> {
        let status = item.status(today);
        if !status.is_open() {
            return None;
        }
        Some(if item.kind.is_follow_up() {
            Priority::FollowUp
        } else if status == DueStatus::Overdue && item.high_risk {
            Priority::OverdueHighRisk
        } else if status == DueStatus::Overdue {
            Priority::Overdue
        } else if item.window.due == today {
            Priority::DueToday
        } else if item.window.due <= today + Duration::days(7) {
            Priority::DueThisWeek
        } else {
            Priority::DueLater
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            Priority::FollowUp => "follow_up",
            Priority::OverdueHighRisk => "overdue_high_risk",
            Priority::Overdue => "overdue",
            Priority::DueToday => "due_today",
            Priority::DueThisWeek => "due_this_week",
            Priority::DueLater => "due_later",
        }
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Priority::FollowUp => "Tindak lanjut tanda bahaya/rujukan",
            Priority::OverdueHighRisk => "Terlambat, risiko tinggi",
            Priority::Overdue => "Terlambat",
            Priority::DueToday => "Jatuh tempo hari ini",
            Priority::DueThisWeek => "Jatuh tempo minggu ini",
            Priority::DueLater => "Jatuh tempo bulan ini",
        }
    }

    /// Follow-ups and overdue high-risk items go before the walking route.
    pub fn is_urgent(self) -> bool {
        self <= Priority::OverdueHighRisk
    }
}

/// Where a stop is: a registered household, or a person met outside one (an emergency case).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StopKey {
    Household(HouseholdId),
    Person(PersonId),
}

/// An open item handed to the worklist with where its person lives.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenItem {
    pub item: DueItem,
    pub household: Option<HouseholdId>,
    pub rt: Option<AreaId>,
    /// The person was expected at a Posyandu session that day and did not come: their Posyandu
    /// services become a home visit, due now.
    pub missed_session: Option<Date>,
}

/// One stop: a household (or a lone person); its items are in its RT group
/// ([`RtGroup::items_of`]), most urgent first.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    pub key: StopKey,
    pub gps: Option<GeoPoint>,
    pub priority: Priority,
    /// Where the stop's items lie in its group's `items`.
    pub items: std::ops::Range<usize>,
    /// Someone here missed the Posyandu session of that day (the reason for the visit).
    pub missed_session: Option<Date>,
}

/// The stops of one RT (`None`: persons with no household), and their items in one list (a
/// bidan's list has thousands of stops: one allocation for an RT's items instead of one per
/// stop, which took a tenth of a large list's time to make and free).
#[derive(Clone, Debug, PartialEq)]
pub struct RtGroup {
    pub rt: Option<AreaId>,
    pub priority: Priority,
    pub stops: Vec<Stop>,
    /// Every stop's items, each stop's together (in no order between stops).
    pub items: Vec<(DueItem, Priority)>,
}

impl RtGroup {
    /// A stop's items, most urgent first.
    pub fn items_of(&self, stop: &Stop) -> &[(DueItem, Priority)] {
        &self.items[stop.items.clone()]
    }
}

/// Builds the worklist for `today` from open items; `gps` gives each household's position when
/// known. Items not open on `today` are left out; every open item appears exactly once.
pub fn build<S: std::hash::BuildHasher>(
    mut items: Vec<OpenItem>,
    gps: &HashMap<HouseholdId, GeoPoint, S>,
    today: Date,
) -> Vec<RtGroup> {
    build_with(&mut items, |h| gps.get(&h).copied(), today)
}

/// [`build`] with each household's position from `gps` (the store builds each RT's part while
/// it reads the next, from what it has read), taking the items out of `items` and leaving its
/// room for the next RT's.
pub fn build_with(
    items: &mut Vec<OpenItem>,
    gps: impl Fn(HouseholdId) -> Option<GeoPoint>,
    today: Date,
) -> Vec<RtGroup> {
    // Stops are found by sorting a small key beside each item's place, never the items
    // themselves (a worklist of many RTs holds thousands, a hundred bytes each); the items are
    // then taken, stop by stop, into their RT's one list.
    let priorities: Vec<Option<Priority>> = items
        .iter()
        .map(|open| {
            let priority = Priority::of(&open.item, today)?;
            Some(
                if open
                    .missed_session
                    .is_some_and(|day| expected_at_session(&open.item, day))
                {
                    priority.min(Priority::DueToday)
                } else {
                    priority
                },
            )
        })
        .collect();
    let mut keyed: Vec<KeyedItem> = items
        .iter()
        .zip(&priorities)
        .enumerate()
        .filter(|(_, (_, p))| p.is_some())
        .map(|(i, (o, _))| {
            let key = match o.household {
                Some(h) => (false, h.0.as_u128()),
                None => (true, o.item.person.0.as_u128()),
            };
            (key, i as u32)
        })
        .collect();
    keyed.sort_unstable();
    // The stops (each a run of the sorted keys), with the RT and place of their first item (in
    // the order given), then by RT.
    let mut runs: Vec<(Option<AreaId>, &[KeyedItem])> = keyed
        .chunk_by(|a, b| a.0 == b.0)
        .map(|run| (items[run[0].1 as usize].rt, run))
        .collect();
    if runs.windows(2).any(|w| w[0].0 != w[1].0) {
        runs.sort_by_key(|(rt, _)| *rt);
    }
    let mut slots: Vec<Option<OpenItem>> = items.drain(..).map(Some).collect();
    let mut groups = Vec::new();
    for of_rt in runs.chunk_by(|a, b| a.0 == b.0) {
        let rt = of_rt[0].0;
        let mut all = Vec::with_capacity(of_rt.iter().map(|(_, run)| run.len()).sum());
        let mut stops = Vec::with_capacity(of_rt.len());
        for (_, run) in of_rt {
            let first = slots[run[0].1 as usize].as_ref().expect("not yet taken");
            let key = match first.household {
                Some(h) => StopKey::Household(h),
                None => StopKey::Person(first.item.person),
            };
            let gps = first.household.and_then(&gps);
            let start = all.len();
            let mut missed_session = None;
            for &(_, i) in *run {
                let open = slots[i as usize].take().expect("each item once");
                missed_session = missed_session.max(open.missed_session);
                let priority = priorities[i as usize].expect("open");
                all.push((open.item, priority));
            }
            // The kind's key only breaks ties (a person's items due the same day).
            all[start..].sort_by(|(a, pa), (b, pb)| {
                (pa, a.window.due, a.person)
                    .cmp(&(pb, b.window.due, b.person))
                    .then_with(|| a.kind.cmp_keys(&b.kind))
            });
            stops.push(Stop {
                key,
                gps,
                priority: all[start].1,
                items: start..all.len(),
                missed_session,
            });
        }
        let stops = order_stops(stops);
        groups.push(RtGroup {
            rt,
            priority: stops.iter().map(|s| s.priority).min().expect("non-empty"),
            stops,
            items: all,
        });
    }
    sort_groups(&mut groups);
    groups
}

/// An open item's place among the items given, behind its stop's key as a pair that sorts as
/// [`StopKey`] does (persons without a household after households), cheap to compare.
type KeyedItem = ((bool, u128), u32);

/// RT groups most urgent first (persons without a household last among equals).
pub fn sort_groups(groups: &mut [RtGroup]) {
    groups.sort_by(|a, b| {
        (a.priority, a.rt.is_none(), a.rt).cmp(&(b.priority, b.rt.is_none(), b.rt))
    });
}

/// Urgent stops first (by priority), then the rest as a walking route through those with GPS
/// (starting next to the last urgent stop when it has one), then those without GPS by priority.
fn order_stops(stops: Vec<Stop>) -> Vec<Stop> {
    // The order is worked out on indices, and the stops are moved into it at the end. Keys are
    // unique within an RT: the unstable sort gives the one order.
    let mut by_priority: Vec<u32> = (0..stops.len() as u32).collect();
    by_priority.sort_unstable_by_key(|&i| (stops[i as usize].priority, stops[i as usize].key));
    let split = by_priority.partition_point(|&i| stops[i as usize].priority.is_urgent());
    let (urgent, rest) = by_priority.split_at(split);
    let located: Vec<u32> = rest
        .iter()
        .copied()
        .filter(|&i| stops[i as usize].gps.is_some())
        .collect();
    let start = urgent.iter().rev().find_map(|&i| stops[i as usize].gps);
    let points: Vec<GeoPoint> = located
        .iter()
        .map(|&i| stops[i as usize].gps.expect("located"))
        .collect();
    let route = walking_route(&points, start);
    let mut order: Vec<u32> = Vec::with_capacity(stops.len());
    order.extend_from_slice(urgent);
    order.extend(route.into_iter().map(|k| located[k]));
    order.extend(
        rest.iter()
            .copied()
            .filter(|&i| stops[i as usize].gps.is_none()),
    );
    let mut slots: Vec<Option<Stop>> = stops.into_iter().map(Some).collect();
    order
        .into_iter()
        .map(|i| slots[i as usize].take().expect("each stop once"))
        .collect()
}

/// Walking distance proxy in metres (equirectangular: exact enough within a kelurahan).
pub fn distance_m(a: GeoPoint, b: GeoPoint) -> f64 {
    const R: f64 = 6_371_000.0;
    let lat = ((a.lat + b.lat) / 2.0).to_radians();
    let x = (b.lon - a.lon).to_radians() * lat.cos();
    let y = (b.lat - a.lat).to_radians();
    R * (x * x + y * y).sqrt()
}

/// The distances between points, in metres, computed once: points projected onto a local plane
/// (equirectangular around their mean latitude: exact enough within a kelurahan), so the route's
/// many distance checks are table lookups.
struct Plane {
    n: usize,
    d: Vec<f64>,
}

impl Plane {
    fn new(points: &[GeoPoint]) -> Self {
        const R: f64 = 6_371_000.0;
        let n = points.len();
        let mean_lat = points.iter().map(|p| p.lat).sum::<f64>() / n.max(1) as f64;
        let k = mean_lat.to_radians().cos();
        let xy: Vec<(f64, f64)> = points
            .iter()
            .map(|p| (R * p.lon.to_radians() * k, R * p.lat.to_radians()))
            .collect();
        let mut d = vec![0.0; n * n];
        for i in 0..n {
            for j in i + 1..n {
                let v = ((xy[i].0 - xy[j].0).powi(2) + (xy[i].1 - xy[j].1).powi(2)).sqrt();
                d[i * n + j] = v;
                d[j * n + i] = v;
            }
        }
        Plane { n, d }
    }
}

/// An open path through `points` (indices into it): nearest neighbour from the point closest to
/// `start` (or from the first point), improved by 2-opt until no reversal shortens it.
pub fn walking_route(points: &[GeoPoint], start: Option<GeoPoint>) -> Vec<usize> {
    let n = points.len();
    if n <= 2 {
        return (0..n).collect();
    }
    let first = match start {
        Some(s) => (0..n)
            .min_by(|&a, &b| distance_m(s, points[a]).total_cmp(&distance_m(s, points[b])))
            .expect("n > 0"),
        None => 0,
    };
    let plane = Plane::new(points);
    let mut route = nearest_neighbour(&plane, first);
    two_opt(&plane, &mut route);
    route
}

/// The greedy path: from `first`, always to the closest point not yet visited (the first in
/// index order among equals). The points left are kept in index order, so each step scans only
/// them.
fn nearest_neighbour(plane: &Plane, first: usize) -> Vec<usize> {
    let n = plane.n;
    let mut left: Vec<usize> = (0..n).filter(|&j| j != first).collect();
    let mut route = Vec::with_capacity(n);
    let mut current = first;
    route.push(current);
    while !left.is_empty() {
        let row = &plane.d[current * n..(current + 1) * n];
        let mut best = 0;
        for (k, &j) in left.iter().enumerate().skip(1) {
            if row[j] < row[left[best]] {
                best = k;
            }
        }
        current = left.remove(best);
        route.push(current);
    }
    route
}

/// Reverses segments of an open path while that shortens it; the first stop stays first.
fn two_opt(plane: &Plane, route: &mut [usize]) {
    let n = route.len();
    let row = |a: usize| &plane.d[a * n..(a + 1) * n];
    // Bounded passes: each improving pass shortens the path, so this ends; most of the gain comes
    // in the first passes, and the bound keeps a worklist of many RTs quick on a phone.
    for _ in 0..8 {
        let mut improved = false;
        for i in 1..n - 1 {
            // Reversing route[i..=j] leaves route[i - 1] in place: its row is read once. The
            // sums are the same as d(a, b) + d(c, e) written out, so the route is too.
            let from = row(route[i - 1]);
            let mut b = route[i];
            let mut ab = from[b];
            let mut from_b = row(b);
            for j in i + 1..n {
                let c = route[j];
                let (before, after) = match route.get(j + 1) {
                    Some(&e) => (ab + row(c)[e], from[c] + from_b[e]),
                    None => (ab + 0.0, from[c] + 0.0),
                };
                if after + 1e-9 < before {
                    route[i..=j].reverse();
                    improved = true;
                    b = route[i];
                    ab = from[b];
                    from_b = row(b);
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Length of an open path in metres.
pub fn route_length_m(points: &[GeoPoint], route: &[usize]) -> f64 {
    route
        .windows(2)
        .map(|w| distance_m(points[w[0]], points[w[1]]))
        .sum()
}

/// Whether a person was expected at a Posyandu session on `day` for this item: a Posyandu
/// service whose window held the day and that was due by the end of that month (a yearly
/// screening due in December does not bring everyone to every monthly session; this month's
/// weighing, a dose due or overdue, a monthly check do).
pub fn expected_at_session(item: &DueItem, day: Date) -> bool {
    let month_end = {
        let next = if day.month() == time::Month::December {
            Date::from_calendar_date(day.year() + 1, time::Month::January, 1)
        } else {
            Date::from_calendar_date(day.year(), day.month().next(), 1)
        };
        next.expect("a first of a month") - Duration::days(1)
    };
    is_posyandu_service(&item.kind) && item.window.contains(day) && item.window.due <= month_end
}

/// Services given at the Posyandu table (weighing, doses, vitamin A, screenings): who is expected
/// on a Posyandu day. ANC and postnatal visits are the bidan's and follow-ups are home visits.
pub fn is_posyandu_service(kind: &DueKind) -> bool {
    matches!(
        kind,
        DueKind::Immunization { .. }
            | DueKind::Weighing { .. }
            | DueKind::VitaminA { .. }
            | DueKind::PtmScreening { .. }
            | DueKind::ElderlyScreening { .. }
            | DueKind::ConditionFollowUp { .. }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::due::{ClosesAs, TableRef, Window};
    use ilp_model::{Antigen, EventId};
    use proptest::prelude::*;
    use time::macros::date;

    const T: TableRef = TableRef {
        id: "test",
        version: 1,
    };

    fn item(person: u8, kind: DueKind, earliest: Date, due: Date, high_risk: bool) -> DueItem {
        DueItem {
            person: PersonId::from_random_bytes([person; 16]),
            kind,
            window: Window::new(earliest, due, None),
            done_on: None,
            closes_as: ClosesAs::Missed,
            high_risk,
            table: T,
        }
    }

    fn hh(n: u8) -> HouseholdId {
        HouseholdId::from_random_bytes([n; 16])
    }

    fn rt(n: u8) -> AreaId {
        AreaId::from_random_bytes([n; 16])
    }

    #[test]
    fn priorities_follow_the_issue_order() {
        let today = date!(2026 - 11 - 22);
        let follow = item(
            1,
            DueKind::DangerSignFollowUp {
                event: EventId::from_random_bytes([9; 16]),
            },
            date!(2026 - 11 - 20),
            date!(2026 - 11 - 21),
            true,
        );
        let dose = |due, hr| {
            item(
                2,
                DueKind::Immunization {
                    antigen: Antigen::Mr,
                    dose: 1,
                },
                date!(2026 - 10 - 01),
                due,
                hr,
            )
        };
        assert_eq!(Priority::of(&follow, today), Some(Priority::FollowUp));
        assert_eq!(
            Priority::of(&dose(date!(2026 - 11 - 01), true), today),
            Some(Priority::OverdueHighRisk)
        );
        assert_eq!(
            Priority::of(&dose(date!(2026 - 11 - 01), false), today),
            Some(Priority::Overdue)
        );
        assert_eq!(
            Priority::of(&dose(today, false), today),
            Some(Priority::DueToday)
        );
        assert_eq!(
            Priority::of(&dose(date!(2026 - 11 - 29), false), today),
            Some(Priority::DueThisWeek)
        );
        assert_eq!(
            Priority::of(&dose(date!(2026 - 12 - 20), false), today),
            Some(Priority::DueLater)
        );
        let upcoming = item(
            3,
            DueKind::Kn { number: 1 },
            date!(2026 - 12 - 01),
            date!(2026 - 12 - 02),
            false,
        );
        assert_eq!(Priority::of(&upcoming, today), None);
    }

    #[test]
    fn urgent_households_lead_their_rt_and_the_rest_follow_a_route() {
        let today = date!(2026 - 11 - 22);
        let weigh = |p: u8| {
            item(
                p,
                DueKind::Weighing {
                    month: date!(2026 - 11 - 01),
                },
                date!(2026 - 11 - 01),
                date!(2026 - 11 - 30),
                false,
            )
        };
        // Households along a street, given out of order; household 9 has a referral follow-up.
        let xs = [(1u8, 0.0), (2, 0.004), (3, 0.001), (4, 0.003), (5, 0.002)];
        let mut gps = HashMap::new();
        let mut items = Vec::new();
        for (n, dx) in xs {
            gps.insert(hh(n), GeoPoint::new("gps", -10.15, 123.63 + dx).unwrap());
            items.push(OpenItem {
                item: weigh(n),
                household: Some(hh(n)),
                rt: Some(rt(1)),
                missed_session: None,
            });
        }
        gps.insert(hh(9), GeoPoint::new("gps", -10.15, 123.6345).unwrap());
        items.push(OpenItem {
            item: item(
                9,
                DueKind::ReferralFollowUp {
                    event: EventId::from_random_bytes([7; 16]),
                },
                date!(2026 - 11 - 20),
                date!(2026 - 11 - 23),
                true,
            ),
            household: Some(hh(9)),
            rt: Some(rt(1)),
            missed_session: None,
        });
        let groups = build(items, &gps, today);
        assert_eq!(groups.len(), 1);
        let order: Vec<StopKey> = groups[0].stops.iter().map(|s| s.key).collect();
        assert_eq!(order[0], StopKey::Household(hh(9)));
        // From the urgent house at +0.0045 the walk goes down the street.
        let rest: Vec<StopKey> = [2, 4, 5, 3, 1]
            .iter()
            .map(|&n| StopKey::Household(hh(n)))
            .collect();
        assert_eq!(&order[1..], &rest[..]);
    }

    #[test]
    fn a_missed_posyandu_session_makes_the_services_a_home_visit_due_now() {
        let today = date!(2026 - 11 - 22);
        let weigh = item(
            1,
            DueKind::Weighing {
                month: date!(2026 - 11 - 01),
            },
            date!(2026 - 11 - 01),
            date!(2026 - 11 - 30),
            false,
        );
        let anc = item(
            1,
            DueKind::Anc {
                pregnancy: ilp_model::PregnancyId::from_random_bytes([3; 16]),
                contact: 4,
                by_doctor: false,
            },
            date!(2026 - 11 - 01),
            date!(2026 - 12 - 20),
            false,
        );
        let open = |it: &DueItem| OpenItem {
            item: it.clone(),
            household: Some(hh(1)),
            rt: Some(rt(1)),
            missed_session: Some(date!(2026 - 11 - 16)),
        };
        let groups = build(vec![open(&weigh), open(&anc)], &HashMap::new(), today);
        let stop = &groups[0].stops[0];
        assert_eq!(stop.missed_session, Some(date!(2026 - 11 - 16)));
        let prio = |k: &str| {
            groups[0]
                .items_of(stop)
                .iter()
                .find(|(i, _)| i.kind.code() == k)
                .unwrap()
                .1
        };
        assert_eq!(prio("weighing"), Priority::DueToday);
        assert!(!expected_at_session(
            &item(
                1,
                DueKind::PtmScreening {
                    year: date!(2026 - 01 - 01)
                },
                date!(2026 - 01 - 01),
                date!(2026 - 12 - 31),
                false
            ),
            date!(2026 - 11 - 16)
        ));
        // ANC is the bidan's, not a Posyandu table service: its priority is unchanged.
        assert_eq!(prio("anc"), Priority::DueLater);
    }

    #[test]
    fn two_opt_untangles_a_crossing_path() {
        // A square visited corner to opposite corner crosses itself; 2-opt removes the crossing.
        let p = |lat: f64, lon: f64| GeoPoint::new("gps", lat, lon).unwrap();
        let pts = vec![
            p(-10.0, 123.0),
            p(-10.001, 123.001),
            p(-10.0, 123.001),
            p(-10.001, 123.0),
        ];
        let mut crossing = vec![0, 1, 2, 3];
        let before = route_length_m(&pts, &crossing);
        two_opt(&Plane::new(&pts), &mut crossing);
        assert!(route_length_m(&pts, &crossing) < before);
        assert_eq!(crossing[0], 0);
    }

    /// The 2-opt as first written (each distance looked up as it is needed): the route read
    /// with rows held between reversals must be the same route.
    fn two_opt_reference(plane: &Plane, route: &mut [usize]) {
        let d = |a: usize, b: usize| plane.d[a * plane.n + b];
        let n = route.len();
        for _ in 0..8 {
            let mut improved = false;
            for i in 1..n - 1 {
                for j in i + 1..n {
                    let before = d(route[i - 1], route[i])
                        + if j + 1 < n {
                            d(route[j], route[j + 1])
                        } else {
                            0.0
                        };
                    let after = d(route[i - 1], route[j])
                        + if j + 1 < n {
                            d(route[i], route[j + 1])
                        } else {
                            0.0
                        };
                    if after + 1e-9 < before {
                        route[i..=j].reverse();
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// The worklist as first written (a map of stops, each filled as its items come; a map of
    /// RTs; the stops sorted, split and partitioned into new lists; the nearest neighbour
    /// checking every point): the build that moves each item once must give the same list.
    /// A stop with its items beside it, as the list was first built.
    #[derive(Debug, PartialEq)]
    struct ListedStop {
        key: StopKey,
        gps: Option<GeoPoint>,
        priority: Priority,
        items: Vec<(DueItem, Priority)>,
        missed_session: Option<Date>,
    }

    #[derive(Debug, PartialEq)]
    struct ListedGroup {
        rt: Option<AreaId>,
        priority: Priority,
        stops: Vec<ListedStop>,
    }

    /// The list with each stop's items beside it.
    fn listed(groups: &[RtGroup]) -> Vec<ListedGroup> {
        groups
            .iter()
            .map(|g| ListedGroup {
                rt: g.rt,
                priority: g.priority,
                stops: g
                    .stops
                    .iter()
                    .map(|s| ListedStop {
                        key: s.key,
                        gps: s.gps,
                        priority: s.priority,
                        items: g.items_of(s).to_vec(),
                        missed_session: s.missed_session,
                    })
                    .collect(),
            })
            .collect()
    }

    fn build_reference(
        items: Vec<OpenItem>,
        gps: &HashMap<HouseholdId, GeoPoint>,
        today: Date,
    ) -> Vec<ListedGroup> {
        let mut stops: HashMap<StopKey, (Option<AreaId>, ListedStop)> = HashMap::new();
        let mut order: Vec<StopKey> = Vec::new();
        for open in items {
            let Some(mut priority) = Priority::of(&open.item, today) else {
                continue;
            };
            if open
                .missed_session
                .is_some_and(|day| expected_at_session(&open.item, day))
            {
                priority = priority.min(Priority::DueToday);
            }
            let key = match open.household {
                Some(h) => StopKey::Household(h),
                None => StopKey::Person(open.item.person),
            };
            let entry = stops.entry(key).or_insert_with(|| {
                order.push(key);
                (
                    open.rt,
                    ListedStop {
                        key,
                        gps: open.household.and_then(|h| gps.get(&h).copied()),
                        priority,
                        items: Vec::new(),
                        missed_session: None,
                    },
                )
            });
            entry.1.priority = entry.1.priority.min(priority);
            entry.1.missed_session = entry.1.missed_session.max(open.missed_session);
            entry.1.items.push((open.item, priority));
        }
        let mut by_rt: HashMap<Option<AreaId>, Vec<ListedStop>> = HashMap::new();
        for key in order {
            let (rt, mut stop) = stops.remove(&key).expect("listed");
            stop.items.sort_by(|(a, pa), (b, pb)| {
                (pa, a.window.due, a.person)
                    .cmp(&(pb, b.window.due, b.person))
                    .then_with(|| a.kind.cmp_keys(&b.kind))
            });
            by_rt.entry(rt).or_default().push(stop);
        }
        let mut groups: Vec<ListedGroup> = by_rt
            .into_iter()
            .map(|(rt, mut stops)| {
                stops.sort_by_key(|s| (s.priority, s.key));
                let split = stops.partition_point(|s| s.priority.is_urgent());
                let rest = stops.split_off(split);
                let (located, unlocated): (Vec<ListedStop>, Vec<ListedStop>) =
                    rest.into_iter().partition(|s| s.gps.is_some());
                let start = stops.iter().rev().find_map(|s| s.gps);
                let points: Vec<GeoPoint> = located.iter().map(|s| s.gps.unwrap()).collect();
                let route = if points.len() <= 2 {
                    (0..points.len()).collect()
                } else {
                    let first = match start {
                        Some(s) => (0..points.len())
                            .min_by(|&a, &b| {
                                distance_m(s, points[a]).total_cmp(&distance_m(s, points[b]))
                            })
                            .unwrap(),
                        None => 0,
                    };
                    let plane = Plane::new(&points);
                    let mut route = nearest_neighbour_reference(&plane, first);
                    two_opt_reference(&plane, &mut route);
                    route
                };
                let mut located: Vec<Option<ListedStop>> = located.into_iter().map(Some).collect();
                stops.extend(route.into_iter().map(|i| located[i].take().unwrap()));
                stops.extend(unlocated);
                ListedGroup {
                    rt,
                    priority: stops.iter().map(|s| s.priority).min().unwrap(),
                    stops,
                }
            })
            .collect();
        groups.sort_by_key(|g| (g.priority, g.rt.is_none(), g.rt));
        groups
    }

    fn nearest_neighbour_reference(plane: &Plane, first: usize) -> Vec<usize> {
        let n = plane.n;
        let d = |a: usize, b: usize| plane.d[a * n + b];
        let mut visited = vec![false; n];
        let mut route = vec![first];
        visited[first] = true;
        let mut current = first;
        for _ in 1..n {
            let next = (0..n)
                .filter(|&j| !visited[j])
                .min_by(|&a, &b| d(current, a).total_cmp(&d(current, b)))
                .unwrap();
            visited[next] = true;
            route.push(next);
            current = next;
        }
        route
    }

    proptest! {
        #[test]
        fn two_opt_keeps_its_route(pts in proptest::collection::vec((0.0f64..0.01, 0.0f64..0.01), 3..40)) {
            let points: Vec<GeoPoint> = pts.iter().map(|(a, b)| GeoPoint::new("gps", -10.1 - a, 123.6 + b).unwrap()).collect();
            let plane = Plane::new(&points);
            let start = nearest_neighbour(&plane, 0);
            let (mut fast, mut reference) = (start.clone(), start);
            two_opt(&plane, &mut fast);
            two_opt_reference(&plane, &mut reference);
            prop_assert_eq!(fast, reference);
        }

        #[test]
        fn every_open_item_appears_exactly_once(
            spec in proptest::collection::vec((0u8..6, 0u8..3, 0i64..60, 0i64..60, any::<bool>(), any::<bool>()), 0..60)
        ) {
            let today = date!(2026 - 11 - 22);
            let base = date!(2026 - 10 - 01);
            let mut gps = HashMap::new();
            let mut items = Vec::new();
            for (i, (h, r, e, d, risk, located)) in spec.iter().enumerate() {
                let earliest = base + Duration::days(*e);
                let it = item(i as u8, DueKind::Weighing { month: earliest }, earliest, earliest + Duration::days(*d), *risk);
                if *located {
                    gps.insert(hh(*h), GeoPoint::new("gps", -10.15 + *h as f64 * 0.001, 123.6).unwrap());
                }
                items.push(OpenItem { item: it, household: if *h == 0 { None } else { Some(hh(*h)) }, rt: if *h == 0 { None } else { Some(rt(*r)) }, missed_session: None });
            }
            let open: Vec<(PersonId, String)> = items.iter().filter(|o| Priority::of(&o.item, today).is_some()).map(|o| (o.item.person, o.item.kind.key())).collect();
            let groups = build(items, &gps, today);
            let mut listed: Vec<(PersonId, String)> = groups.iter().flat_map(|g| g.stops.iter().flat_map(|s| g.items_of(s).iter().map(|(i, _)| (i.person, i.kind.key())))).collect();
            let mut expected = open.clone();
            listed.sort();
            expected.sort();
            prop_assert_eq!(listed, expected);
            for w in groups.windows(2) {
                prop_assert!(w[0].priority <= w[1].priority);
            }
        }

        #[test]
        fn the_list_is_the_one_first_written(
            spec in proptest::collection::vec(
                (0u8..12, 0u8..3, 0i64..60, 0i64..60, 0u8..4, any::<bool>(), 0u8..3, 0u8..4),
                0..80,
            ),
            places in proptest::collection::vec((0u8..3, 0u8..3), 12),
        ) {
            // Households of up to three RTs (0: persons without one), some located; persons
            // with several items (ties on the due date broken by the kind), follow-ups, high
            // risk, and some who missed a Posyandu session. Households share a few places, so
            // routes meet equal distances.
            let today = date!(2026 - 11 - 22);
            let base = date!(2026 - 10 - 01);
            let gps: HashMap<HouseholdId, GeoPoint> = places
                .iter()
                .enumerate()
                .filter(|(h, _)| h % 4 != 3)
                .map(|(h, (a, b))| {
                    let (a, b) = (f64::from(*a) * 0.002, f64::from(*b) * 0.002);
                    (hh(h as u8), GeoPoint::new("gps", -10.1 - a, 123.6 + b).unwrap())
                })
                .collect();
            let items: Vec<OpenItem> = spec
                .iter()
                .enumerate()
                .map(|(i, (h, r, e, d, kind, risk, person, missed))| {
                    let earliest = base + Duration::days(*e);
                    let kind = match kind {
                        0 => DueKind::Weighing { month: earliest },
                        1 => DueKind::VitaminA { round: earliest },
                        2 => DueKind::DangerSignFollowUp { event: EventId::from_random_bytes([i as u8; 16]) },
                        _ => DueKind::Immunization { antigen: Antigen::Bcg, dose: 1 + (i % 3) as u8 },
                    };
                    let household = (*h != 0).then(|| hh(*h));
                    OpenItem {
                        item: item(*h * 3 + *person, kind, earliest, earliest + Duration::days(*d), *risk),
                        household,
                        rt: household.map(|_| rt((*r).max(*h % 3))),
                        missed_session: (*missed == 0).then_some(date!(2026 - 11 - 16)),
                    }
                })
                .collect();
            let expected = build_reference(items.clone(), &gps, today);
            let groups = build(items, &gps, today);
            for g in &groups {
                let mut covered: Vec<usize> = g.stops.iter().flat_map(|s| s.items.clone()).collect();
                covered.sort();
                prop_assert_eq!(covered, (0..g.items.len()).collect::<Vec<_>>(), "each item in one stop");
            }
            prop_assert_eq!(listed(&groups), expected);
        }

        #[test]
        fn the_route_visits_each_point_once_and_no_longer_than_nearest_neighbour_alone(
            pts in proptest::collection::vec((0.0f64..0.01, 0.0f64..0.01), 0..25)
        ) {
            let points: Vec<GeoPoint> = pts.iter().map(|(a, b)| GeoPoint::new("gps", -10.1 - a, 123.6 + b).unwrap()).collect();
            let route = walking_route(&points, None);
            let mut sorted = route.clone();
            sorted.sort();
            prop_assert_eq!(sorted, (0..points.len()).collect::<Vec<_>>());
            if points.len() > 2 {
                prop_assert_eq!(route[0], 0);
                let greedy = nearest_neighbour(&Plane::new(&points), 0);
                prop_assert!(route_length_m(&points, &route) <= route_length_m(&points, &greedy) + 1e-6);
            }
        }
    }
}
