//! Figures over repeated runs: min / median / max, and whether a goal is met.

/// What a figure must reach.
#[derive(Debug, Clone, Copy)]
pub enum Goal {
    AtLeast(f64),
    Below(f64),
    /// Shown for reference only.
    None,
}

impl Goal {
    pub fn met(self, value: f64) -> Option<bool> {
        match self {
            Goal::AtLeast(g) => Some(value >= g),
            Goal::Below(g) => Some(value < g),
            Goal::None => None,
        }
    }

    pub fn describe(self, unit: &str) -> String {
        match self {
            Goal::AtLeast(g) => format!("≥ {}{}", num(g), unit_suffix(unit)),
            Goal::Below(g) => format!("< {}{}", num(g), unit_suffix(unit)),
            Goal::None => "(reference)".into(),
        }
    }
}

fn unit_suffix(unit: &str) -> String {
    if unit.is_empty() || unit == "×" {
        unit.to_owned()
    } else {
        format!(" {unit}")
    }
}

/// A number as the table prints it: thousands separated, few decimals.
pub fn num(v: f64) -> String {
    if v.abs() >= 100.0 {
        let n = v.round() as i64;
        let s = n.abs().to_string();
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if n < 0 { format!("-{out}") } else { out }
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// One row of the results: a figure measured once per run.
#[derive(Debug, Clone)]
pub struct Figure {
    pub row: &'static str,
    pub what: String,
    pub unit: &'static str,
    pub goal: Goal,
    pub values: Vec<f64>,
}

impl Figure {
    pub fn new(row: &'static str, what: impl Into<String>, unit: &'static str, goal: Goal) -> Figure {
        Figure {
            row,
            what: what.into(),
            unit,
            goal,
            values: Vec::new(),
        }
    }

    fn sorted(&self) -> Vec<f64> {
        let mut v = self.values.clone();
        v.sort_by(f64::total_cmp);
        v
    }

    pub fn min(&self) -> f64 {
        self.sorted().first().copied().unwrap_or(f64::NAN)
    }

    pub fn max(&self) -> f64 {
        self.sorted().last().copied().unwrap_or(f64::NAN)
    }

    pub fn median(&self) -> f64 {
        let v = self.sorted();
        match v.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => v[n / 2],
            n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        }
    }

    /// Judged on the median.
    pub fn met(&self) -> Option<bool> {
        self.goal.met(self.median())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_goals() {
        let mut f = Figure::new("x", "y", "/s", Goal::AtLeast(10.0));
        f.values = vec![30.0, 10.0, 20.0];
        assert_eq!((f.min(), f.median(), f.max()), (10.0, 20.0, 30.0));
        assert_eq!(f.met(), Some(true));
        f.values.push(0.0);
        assert_eq!(f.median(), 15.0);
        assert_eq!(Goal::Below(1.5).met(1.5), Some(false));
        assert_eq!(num(12345.6), "12,346");
        assert_eq!(num(0.8123), "0.81");
    }
}
