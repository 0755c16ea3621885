//! The status chart: a horizontal stacked bar per area with its green, yellow and red counts,
//! drawn with plotters into an RGB buffer and encoded as PNG. The font (DejaVu Sans) comes from
//! the `dejavu` crate, so the bytes do not depend on the fonts installed on the machine and æøå
//! render everywhere. Same data → same bytes.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::OnceLock;

/// What the chart shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartData {
    pub title: String,
    /// Area label and its counts in the order green, yellow, red.
    pub areas: Vec<(String, [u32; 3])>,
    /// Legend words for green, yellow, red.
    pub legend: [String; 3],
    /// Label under the axis (e.g. "Antall tiltak").
    pub axis: String,
}

/// A chart failure (drawing or encoding).
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("cannot load the chart font")]
    Font,
    #[error("cannot draw chart: {0}")]
    Draw(String),
    #[error("cannot encode chart png: {0}")]
    Png(String),
}

const COLORS: [RGBColor; 3] =
    [RGBColor(0x00, 0xB0, 0x50), RGBColor(0xFF, 0xC0, 0x00), RGBColor(0xFF, 0x00, 0x00)];
const FONT: &str = "sans-serif";

fn font_ready() -> bool {
    static READY: OnceLock<bool> = OnceLock::new();
    *READY.get_or_init(|| {
        let regular =
            plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular()).is_ok();
        let bold = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold()).is_ok();
        regular && bold
    })
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Pixels above the bars (title) and below them (axis, its label, the legend).
const TOP: u32 = 110;
const BELOW: u32 = 150;
/// Natural and smallest row height per area.
const ROW: u32 = 64;
const MIN_ROW: u32 = 44;
/// Largest side of a drawn chart.
const MAX_SIDE: u32 = 8000;

/// Draws the chart at its natural size (1600 pixels wide, 64 per area); returns PNG bytes and
/// the pixel size.
pub fn draw(data: &ChartData) -> Result<(Vec<u8>, u32, u32), ChartError> {
    let (w, h) = natural_size(data);
    draw_sized(data, w, h)
}

/// The chart's natural pixel size: 1600 wide, 64 pixels per area.
pub fn natural_size(data: &ChartData) -> (u32, u32) {
    (1600, TOP + BELOW + ROW * areas(data) + 20)
}

fn areas(data: &ChartData) -> u32 {
    u32::try_from(data.areas.len().max(1)).unwrap_or(u32::MAX).min(60)
}

/// The pixel size of the chart for a box of `box_w` × `box_h` (any unit, e.g. EMU of a Word
/// picture): the box's aspect ratio, 1600 pixels wide unless the rows need more height (then
/// wider, so the ratio holds), each side at most 8000 pixels.
pub fn size_for(data: &ChartData, box_w: u64, box_h: u64) -> (u32, u32) {
    let (bw, bh) = (box_w.max(1), box_h.max(1));
    let n = u64::from(areas(data));
    let min_h = u64::from(TOP + BELOW) + u64::from(MIN_ROW) * n;
    let mut w: u64 = 1600;
    let mut h = (w * bh + bw / 2) / bw;
    if h < min_h {
        h = min_h;
        w = (h * bw + bh / 2) / bh;
    }
    let max = u64::from(MAX_SIDE);
    if w > max {
        w = max;
        h = (w * bh + bw / 2) / bw;
    }
    if h > max {
        h = max;
        w = (h * bw + bh / 2) / bh;
    }
    (w.clamp(1, max) as u32, h.clamp(1, max) as u32)
}

/// Draws the chart into `w` × `h` pixels: the rows share the height between the title and the
/// axis (up to four natural rows each, the block centred when they need less).
pub fn draw_sized(data: &ChartData, w: u32, h: u32) -> Result<(Vec<u8>, u32, u32), ChartError> {
    if !font_ready() {
        return Err(ChartError::Font);
    }
    let (w, h) = (w.clamp(1, MAX_SIDE), h.clamp(1, MAX_SIDE));
    let mut buf = vec![255u8; (w as usize) * (h as usize) * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| ChartError::Draw(e.to_string()))?;
        draw_into(&root, data, w, h).map_err(|e| ChartError::Draw(e.to_string()))?;
        root.present().map_err(|e| ChartError::Draw(e.to_string()))?;
    }
    let mut png_bytes = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_bytes, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(|e| ChartError::Png(e.to_string()))?;
        writer.write_image_data(&buf).map_err(|e| ChartError::Png(e.to_string()))?;
        writer.finish().map_err(|e| ChartError::Png(e.to_string()))?;
    }
    Ok((png_bytes, w, h))
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

fn draw_into(root: &Area<'_>, data: &ChartData, w: u32, h: u32) -> Result<(), Box<dyn std::error::Error>> {
    let (w, h) = (w as i32, h as i32);
    let title = TextStyle::from((FONT, 44).into_font().style(FontStyle::Bold)).color(&BLACK);
    let label =
        TextStyle::from((FONT, 34).into_font()).color(&BLACK).pos(Pos::new(HPos::Right, VPos::Center));
    let small = TextStyle::from((FONT, 30).into_font()).color(&RGBColor(80, 80, 80));
    let inside = TextStyle::from((FONT, 32).into_font().style(FontStyle::Bold))
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Center));

    root.draw(&Text::new(shorten(&data.title, 70), (40, 30), title))?;
    let left = 600i32.min(w * 3 / 8);
    let right = w - 60;
    let n = data.areas.len().max(1) as i32;
    // the rows share the height between the title and the axis; at most 4 × the natural row,
    // the block centred in what is left
    let room = (h - (TOP + BELOW) as i32).max(n * 8);
    let row_h = (room / n).clamp(8, 4 * ROW as i32);
    let top = TOP as i32 + (room - row_h * n).max(0) / 2;
    let pad = row_h * 10 / 64;
    let max_total = data.areas.iter().map(|(_, c)| c.iter().sum::<u32>()).max().unwrap_or(0).max(1);
    // Axis ticks: a step that gives at most ten ticks.
    let step = [1u32, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
        .into_iter()
        .find(|s| max_total / s <= 10)
        .unwrap_or(1000);
    let scale_max = max_total.div_ceil(step) * step;
    let x_of = |v: u32| left + ((right - left) as i64 * i64::from(v) / i64::from(scale_max.max(1))) as i32;
    let bottom = top + row_h * data.areas.len().max(1) as i32;
    let grid = RGBColor(220, 220, 220);
    let mut v = 0;
    while v <= scale_max {
        let x = x_of(v);
        root.draw(&PathElement::new(vec![(x, top - 10), (x, bottom)], grid.stroke_width(2)))?;
        root.draw(&Text::new(
            v.to_string(),
            (x, bottom + 12),
            small.clone().pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
        v += step;
    }
    root.draw(&Text::new(
        data.axis.clone(),
        ((left + right) / 2, bottom + 50),
        small.clone().pos(Pos::new(HPos::Center, VPos::Top)),
    ))?;
    for (i, (name, counts)) in data.areas.iter().enumerate() {
        let y0 = top + row_h * i as i32 + pad;
        let y1 = y0 + row_h - 2 * pad;
        root.draw(&Text::new(shorten(name, 30), (left - 16, (y0 + y1) / 2), label.clone()))?;
        let mut acc = 0u32;
        for (k, &c) in counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let (x0, x1) = (x_of(acc), x_of(acc + c));
            root.draw(&Rectangle::new([(x0, y0), (x1, y1)], COLORS[k].filled()))?;
            if x1 - x0 >= 30 && y1 - y0 >= 30 {
                root.draw(&Text::new(c.to_string(), ((x0 + x1) / 2, (y0 + y1) / 2), inside.clone()))?;
            }
            acc += c;
        }
    }
    root.draw(&PathElement::new(vec![(left, top - 10), (left, bottom)], BLACK.stroke_width(2)))?;
    // Legend.
    let ly = h - 40;
    let mut lx = left;
    for (k, word) in data.legend.iter().enumerate() {
        root.draw(&Rectangle::new([(lx, ly - 14), (lx + 28, ly + 14)], COLORS[k].filled()))?;
        root.draw(&Text::new(
            word.clone(),
            (lx + 40, ly),
            TextStyle::from((FONT, 32).into_font()).color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        lx += 60 + 20 * word.chars().count() as i32 + 40;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ChartData {
        ChartData {
            title: "Status per område – æøå".into(),
            areas: vec![("FSU Barn og unge".into(), [3, 1, 0]), ("FSU Rehabilitering".into(), [0, 2, 2])],
            legend: ["Grønn".into(), "Gul".into(), "Rød".into()],
            axis: "Antall tiltak".into(),
        }
    }

    #[test]
    fn chart_is_png_and_deterministic() {
        let (a, w, h) = draw(&sample()).unwrap();
        let (b, _, _) = draw(&sample()).unwrap();
        assert_eq!(&a[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(a, b);
        assert_eq!((w, h), (1600, 150 + 128 + 130));
    }

    /// A box's aspect ratio is kept: wide boxes give the natural width, a flat box a wider
    /// picture (the rows keep their height), a tall one a narrower.
    #[test]
    fn size_follows_the_box() {
        let d = sample();
        let ratio = |(w, h): (u32, u32)| f64::from(w) / f64::from(h);
        for (bw, bh) in [(5_940_000u64, 2_376_000u64), (5_940_000, 900_000), (3_000_000, 6_000_000), (1, 1)] {
            let (w, h) = size_for(&d, bw, bh);
            let want = bw as f64 / bh as f64;
            assert!((ratio((w, h)) - want).abs() / want < 0.005, "{bw}x{bh} → {w}x{h}");
            assert!(h >= 110 + 150 + 2 * 44 || w == 8000, "{bw}x{bh} → {w}x{h}");
            let (png, pw, ph) = draw_sized(&d, w, h).unwrap();
            assert_eq!((pw, ph), (w, h));
            assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        }
        assert_eq!(size_for(&d, 5_940_000, 2_376_000), (1600, 640));
    }

    #[test]
    fn empty_chart_draws() {
        let mut d = sample();
        d.areas.clear();
        assert!(draw(&d).is_ok());
    }
}
