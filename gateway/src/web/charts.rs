//! Horizontal bar charts drawn on the server as SVG: no script, readable in any browser, and
//! printed as they are. Every chart sits beside a table of the same numbers (or says its numbers
//! in text), so the picture is never the only way to read them.

/// One bar: its label, its value and where it is drawn.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    /// The value as the reader's language writes it.
    pub shown: String,
    pub y: u32,
    pub text_y: u32,
    pub width: u32,
    pub value_x: u32,
}

/// A chart of bars, one per row, longest to scale.
#[derive(Debug, Clone)]
pub struct BarChart {
    pub bars: Vec<Bar>,
    pub height: u32,
    width: u32,
    label_width: u32,
}

/// Width of a full-width drawing (its `viewBox`), and of the column of labels in it.
pub const WIDTH: u32 = 800;
pub const LABEL_WIDTH: u32 = 370;
/// Room kept right of the longest bar for its value.
const VALUE_ROOM: u32 = 80;
const ROW: u32 = 26;
const BAR: u32 = 18;

impl BarChart {
    /// Bars for `(label, value, shown)` in the order given, full width.
    pub fn new(rows: impl IntoIterator<Item = (String, u64, String)>) -> Self {
        Self::sized(WIDTH, LABEL_WIDTH, rows)
    }

    /// Bars in a drawing `width` wide whose labels take `label_width` of it.
    pub fn sized(
        width: u32,
        label_width: u32,
        rows: impl IntoIterator<Item = (String, u64, String)>,
    ) -> Self {
        let rows: Vec<(String, u64, String)> = rows.into_iter().collect();
        let max = rows.iter().map(|(_, v, _)| *v).max().unwrap_or(0).max(1);
        let room = width - label_width - VALUE_ROOM;
        let bars: Vec<Bar> = rows
            .into_iter()
            .enumerate()
            .map(|(i, (label, value, shown))| {
                let y = i as u32 * ROW + (ROW - BAR) / 2;
                // A value above zero always shows at least a sliver.
                let width = ((value as f64 / max as f64) * f64::from(room)).round() as u32;
                let width = if value > 0 { width.max(2) } else { 0 };
                Bar {
                    label,
                    shown,
                    y,
                    text_y: y + BAR - 4,
                    width,
                    value_x: label_width + width + 6,
                }
            })
            .collect();
        Self {
            height: bars.len() as u32 * ROW,
            bars,
            width,
            label_width,
        }
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn label_x(&self) -> u32 {
        self.label_width - 8
    }

    pub fn bar_x(&self) -> u32 {
        self.label_width
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_to_scale_with_the_longest_filling_the_room() {
        let chart = BarChart::new([
            ("a".to_string(), 50, "50".to_string()),
            ("b".to_string(), 100, "100".to_string()),
            ("c".to_string(), 1, "1".to_string()),
            ("d".to_string(), 0, "0".to_string()),
        ]);
        let widths: Vec<u32> = chart.bars.iter().map(|b| b.width).collect();
        let room = WIDTH - LABEL_WIDTH - VALUE_ROOM;
        assert_eq!(
            widths,
            [room / 2, room, (room as f64 / 100.0).round() as u32, 0]
        );
        assert_eq!(chart.height, 4 * ROW);
        assert!(chart
            .bars
            .iter()
            .all(|b| b.value_x <= WIDTH - VALUE_ROOM + 6));
    }
}
