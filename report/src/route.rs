//! The path of an arrow: straight from box to box when that crosses no other box; otherwise
//! down from the source into the gap under its row, along the gap, and on to the target, so
//! an arrow never seems to start or end at a box it only passes.

use crate::layout::{Layout, Rect, SIDE_X};
use crate::wiring::End;

/// A path's points, first at the source's border, last at the target's.
pub type Path = Vec<(f64, f64)>;

/// The box an end is drawn as.
pub fn rect_of(layout: &Layout, end: End) -> Rect {
    match end {
        End::Node(i) => layout.nodes[i],
        End::Secret(i) => layout.secrets[i],
    }
}

/// The path from `from` to `to`; `lane` (0, 1, 2...) spreads detours sharing a gap.
pub fn route(layout: &Layout, from: End, to: End, lane: usize) -> Path {
    let (a, b) = (rect_of(layout, from), rect_of(layout, to));
    let start = a.border_toward(b.center());
    let end = b.border_toward(a.center());
    let others: Vec<Rect> = layout
        .nodes
        .iter()
        .chain(&layout.secrets)
        .filter(|r| **r != a && **r != b)
        .copied()
        .collect();
    if !others.iter().any(|r| crosses(start, end, r)) {
        return vec![start, end];
    }
    let channel = a.y + a.h + 4.0 + 3.0 * (lane % 3) as f64;
    let down = (a.center().0, a.y + a.h);
    let turn = (a.center().0, channel);
    if b.x >= a.x + a.w {
        // Right, then up or down in the gap left of the target (the gap between the VPCs
        // and the right-hand column, or between two boxes of a row), then into its side.
        let gap = if b.x >= SIDE_X {
            SIDE_X - 8.0 - 3.0 * (lane % 4) as f64
        } else {
            b.x - 7.0
        };
        let (_, middle) = b.center();
        return vec![down, turn, (gap, channel), (gap, middle), (b.x, middle)];
    }
    let along = (b.center().0, channel);
    vec![down, turn, along, b.border_toward(along)]
}

/// True when the segment passes through the inside of `r` (its border a little shrunk).
fn crosses(a: (f64, f64), b: (f64, f64), r: &Rect) -> bool {
    let inner = Rect {
        x: r.x + 2.0,
        y: r.y + 2.0,
        w: (r.w - 4.0).max(0.0),
        h: (r.h - 4.0).max(0.0),
    };
    (0..=64).any(|i| {
        let t = f64::from(i) / 64.0;
        let (x, y) = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
        x > inner.x && x < inner.x + inner.w && y > inner.y && y < inner.y + inner.h
    })
}

/// The longest segment of a path, where its label goes.
pub fn longest_segment(path: &[(f64, f64)]) -> ((f64, f64), (f64, f64)) {
    let length = |(a, b): &((f64, f64), (f64, f64))| (b.0 - a.0).hypot(b.1 - a.1);
    path.windows(2)
        .map(|w| (w[0], w[1]))
        .max_by(|x, y| length(x).total_cmp(&length(y)))
        .unwrap_or(((0.0, 0.0), (0.0, 0.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect(x: f64, y: f64) -> Rect {
        Rect {
            x,
            y,
            w: 100.0,
            h: 40.0,
        }
    }

    fn layout(nodes: Vec<Rect>, secrets: Vec<Rect>) -> Layout {
        Layout {
            nodes,
            secrets,
            ..Layout::default()
        }
    }

    #[test]
    fn an_arrow_with_nothing_in_its_way_is_straight() {
        let l = layout(vec![rect(0.0, 0.0)], vec![rect(300.0, 0.0)]);
        let path = route(&l, End::Node(0), End::Secret(0), 0);
        assert_eq!(path, vec![(100.0, 20.0), (300.0, 20.0)]);
    }

    #[test]
    fn an_arrow_blocked_by_a_box_goes_round_it_under_the_row() {
        let l = layout(
            vec![rect(0.0, 0.0), rect(150.0, 0.0)],
            vec![rect(400.0, 0.0)],
        );
        let path = route(&l, End::Node(0), End::Secret(0), 0);
        assert_eq!(path.len(), 5, "{path:?}");
        let blocker = l.nodes[1];
        for pair in path.windows(2) {
            assert!(
                !crosses(pair[0], pair[1], &blocker),
                "{path:?} crosses the box"
            );
        }
        assert_eq!(path[0], (50.0, 40.0));
        assert!(
            path[2].0 > blocker.x + blocker.w,
            "{path:?} turns before the box ends"
        );
        assert_eq!(
            path[4],
            (400.0, 20.0),
            "{path:?} does not end on the target's left side"
        );
    }

    #[test]
    fn the_longest_segment_carries_the_label() {
        let path = vec![(0.0, 0.0), (0.0, 10.0), (200.0, 10.0), (210.0, 0.0)];
        assert_eq!(longest_segment(&path), ((0.0, 10.0), (200.0, 10.0)));
    }
}
