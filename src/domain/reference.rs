//! Reference data shipped with the project: Sichuan's prefectures (GB/T 2260), the industry
//! sections (GB/T 4754) and the starting list of parks: the one source of them. Only the parks are
//! also rows of the database (admins add more); a test checks the rows the migrations start with
//! are the CSV's.

use std::sync::LazyLock;

#[derive(Debug, PartialEq, Eq)]
pub struct City {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
}

#[derive(Debug, PartialEq, Eq)]
pub struct IndustrySection {
    pub section: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
}

pub struct ParkSeed {
    pub name: &'static str,
    pub kind: &'static str,
    pub city_code: &'static str,
    pub level: &'static str,
}

pub const CITIES_CSV: &str = include_str!("../reference/sichuan-cities.csv");
pub const INDUSTRIES_CSV: &str = include_str!("../reference/industries.csv");
pub const PARKS_CSV: &str = include_str!("../reference/parks.csv");

/// Splits one CSV line with optional double-quoted fields (the files have no escaped quotes).
fn fields(line: &'static str) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        if let Some(stripped) = rest.strip_prefix('"') {
            let end = stripped.find('"').unwrap_or(stripped.len());
            out.push(&stripped[..end]);
            rest = stripped.get(end + 1..).unwrap_or("");
            rest = rest.strip_prefix(',').unwrap_or(rest);
            if rest.is_empty() {
                break;
            }
        } else {
            match rest.split_once(',') {
                Some((f, r)) => {
                    out.push(f);
                    rest = r;
                }
                None => {
                    out.push(rest);
                    break;
                }
            }
        }
    }
    out
}

fn rows(csv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    csv.lines()
        .skip(1)
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .map(fields)
}

pub static CITIES: LazyLock<Vec<City>> = LazyLock::new(|| {
    rows(CITIES_CSV)
        .map(|f| City {
            code: f[0],
            name_zh: f[1],
            name_en: f[2],
        })
        .collect()
});

pub static INDUSTRIES: LazyLock<Vec<IndustrySection>> = LazyLock::new(|| {
    rows(INDUSTRIES_CSV)
        .map(|f| IndustrySection {
            section: f[0],
            name_zh: f[1],
            name_en: f[2],
        })
        .collect()
});

pub static PARKS: LazyLock<Vec<ParkSeed>> = LazyLock::new(|| {
    rows(PARKS_CSV)
        .map(|f| ParkSeed {
            name: f[0],
            kind: f[1],
            city_code: f[2],
            level: f[3],
        })
        .collect()
});

pub fn city(code: &str) -> Option<&'static City> {
    CITIES.iter().find(|c| c.code == code)
}

pub fn industry(section: &str) -> Option<&'static IndustrySection> {
    INDUSTRIES.iter().find(|i| i.section == section)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ParkKind, ParkLevel};

    #[test]
    fn reference_files_are_complete_and_consistent() {
        assert_eq!(CITIES.len(), 21);
        assert_eq!(INDUSTRIES.len(), 20);
        assert_eq!(
            industry("A").unwrap().name_en,
            "Agriculture, forestry, animal husbandry and fishery"
        );
        assert_eq!(city("511600").unwrap().name_en, "Guang'an");
        assert!(PARKS.len() >= 30);
        for p in PARKS.iter() {
            assert!(city(p.city_code).is_some(), "{}", p.name);
            assert!(ParkKind::parse(p.kind).is_ok(), "{}", p.name);
            assert!(ParkLevel::parse(p.level).is_ok(), "{}", p.name);
        }
    }
}
