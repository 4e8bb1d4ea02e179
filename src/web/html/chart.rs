//! Horizontal bar charts as inline SVG: readable on a phone, no script, labelled for screen
//! readers (each chart also has its numbers in a table beside it).

use std::fmt::Write;

use crate::web::html::labels::wan;

/// Bars of one or more stacked series, one row per label.
pub struct BarChart {
    pub title: String,
    pub series: Vec<String>,
    /// (row label, value per series)
    pub rows: Vec<(String, Vec<f64>)>,
    /// How a row's total is written at the end of its bar.
    pub unit: Unit,
}

#[derive(Clone, Copy)]
pub enum Unit {
    Count,
    Percent,
    /// Yuan written as 万元.
    Wan,
}

const CLASSES: [&str; 4] = ["bar-a", "bar-b", "bar-c", "bar-d"];
const LABEL_W: f64 = 120.0;
const BAR_W: f64 = 200.0;
const ROW_H: f64 = 26.0;

impl BarChart {
    pub fn class_of(i: usize) -> &'static str {
        CLASSES[i % CLASSES.len()]
    }

    fn total_text(&self, v: f64) -> String {
        match self.unit {
            Unit::Count => format!("{}", v.round() as i64),
            Unit::Percent => format!("{v:.1}%"),
            Unit::Wan => wan(v.round() as i64),
        }
    }

    pub fn svg(&self) -> String {
        let max = match self.unit {
            Unit::Percent => 100.0,
            _ => self
                .rows
                .iter()
                .map(|(_, v)| v.iter().sum::<f64>())
                .fold(0.0, f64::max)
                .max(1.0),
        };
        let height = ROW_H * self.rows.len().max(1) as f64 + 8.0;
        let width = LABEL_W + BAR_W + 80.0;
        let mut out = String::new();
        let _ = write!(
            out,
            r#"<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
            escape(&self.title),
            escape(&self.title)
        );
        for (i, (label, values)) in self.rows.iter().enumerate() {
            let y = 4.0 + i as f64 * ROW_H;
            let _ = write!(
                out,
                r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
                LABEL_W - 8.0,
                y + ROW_H * 0.62,
                escape(&truncate(label, 8))
            );
            let mut x = LABEL_W;
            for (s, v) in values.iter().enumerate() {
                let w = (v.max(0.0) / max * BAR_W).max(0.0);
                if w > 0.0 {
                    let _ = write!(
                        out,
                        r#"<rect class="{}" x="{x:.1}" y="{:.1}" width="{w:.1}" height="{:.1}"><title>{} · {}: {}</title></rect>"#,
                        Self::class_of(s),
                        y + 3.0,
                        ROW_H - 8.0,
                        escape(label),
                        escape(self.series.get(s).map(String::as_str).unwrap_or("")),
                        self.total_text(*v)
                    );
                }
                x += w;
            }
            let total: f64 = values.iter().sum();
            let _ = write!(
                out,
                r#"<text x="{:.1}" y="{}">{}</text>"#,
                x + 6.0,
                y + ROW_H * 0.62,
                self.total_text(total)
            );
        }
        let _ = write!(
            out,
            r#"<line class="axis" x1="{LABEL_W}" y1="2" x2="{LABEL_W}" y2="{}"/></svg>"#,
            height - 2.0
        );
        out
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

fn escape(s: &str) -> String {
    crate::search::query::escape(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_and_labels_escaped() {
        let c = BarChart {
            title: "需求 <按类别>".into(),
            series: vec!["已发布".into(), "待审核".into()],
            rows: vec![
                ("融资".into(), vec![30.0, 10.0]),
                ("招工".into(), vec![20.0, 0.0]),
            ],
            unit: Unit::Count,
        };
        let svg = c.svg();
        assert!(svg.contains("需求 &lt;按类别&gt;"));
        // The longest row fills the bar area; the 30 of 40 takes three quarters of it.
        assert!(svg.contains(r#"width="150.0""#), "{svg}");
        assert!(svg.contains(r#"width="50.0""#), "{svg}");
        assert!(svg.contains(">40</text>"));
        // A zero value draws nothing.
        assert_eq!(svg.matches("<rect").count(), 3);
    }

    #[test]
    fn money_is_written_in_wan() {
        let c = BarChart {
            title: "t".into(),
            series: vec!["x".into()],
            rows: vec![("a".into(), vec![15_000_000.0])],
            unit: Unit::Wan,
        };
        assert!(c.svg().contains(">1,500</text>"));
    }
}
