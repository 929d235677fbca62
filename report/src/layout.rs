//! Where each box of the diagram goes. VPCs are stacked on the left, one band per subnet
//! tier, each node in the band of the subnets it runs in; regional services and secrets go
//! in a column on the right.

use crate::wiring::Wiring;

pub const WIDTH: f64 = 1200.0;
pub const MARGIN: f64 = 16.0;
const MAIN_WIDTH: f64 = 836.0;
pub const SIDE_X: f64 = MARGIN + MAIN_WIDTH + 32.0;
const SIDE_WIDTH: f64 = WIDTH - SIDE_X - MARGIN;
pub const NETWORK_HEADER: f64 = 30.0;
pub const LANE_LABEL_WIDTH: f64 = 260.0;
const NODE_WIDTH: f64 = 176.0;
const GAP: f64 = 14.0;
pub const GROUP_HEADER: f64 = 26.0;
pub const SECRET_HEIGHT: f64 = 40.0;
pub const LEGEND_HEIGHT: f64 = 40.0;
/// Facts shown in a node's box (the wiring list has them all).
pub const NODE_FACTS: usize = 2;
/// Height of one line of a subnet in a band's label.
pub const SUBNET_LINE: f64 = 13.0;

/// A rectangle in the diagram's coordinates.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// True when the two rectangles share any area.
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.w
            && other.x < self.x + self.w
            && self.y < other.y + other.h
            && other.y < self.y + self.h
    }

    /// Where the line from the centre toward `(tx, ty)` leaves the rectangle.
    pub fn border_toward(&self, (tx, ty): (f64, f64)) -> (f64, f64) {
        let (cx, cy) = self.center();
        let (dx, dy) = (tx - cx, ty - cy);
        if dx == 0.0 && dy == 0.0 {
            return (cx, cy);
        }
        let sx = if dx == 0.0 {
            f64::INFINITY
        } else {
            self.w / 2.0 / dx.abs()
        };
        let sy = if dy == 0.0 {
            f64::INFINITY
        } else {
            self.h / 2.0 / dy.abs()
        };
        let s = sx.min(sy);
        (cx + dx * s, cy + dy * s)
    }
}

/// A VPC's box and its bands.
#[derive(Debug, Clone)]
pub struct NetworkBox {
    pub network: usize,
    pub rect: Rect,
    /// `(tier index, or None for subnets of no known tier, band)`.
    pub lanes: Vec<(Option<usize>, Rect)>,
}

/// The positions of everything in the diagram.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub height: f64,
    pub networks: Vec<NetworkBox>,
    pub nodes: Vec<Rect>,
    pub secrets: Vec<Rect>,
    /// The group of nodes outside any VPC.
    pub regional: Option<Rect>,
    /// The group of secrets.
    pub secret_group: Option<Rect>,
}

/// The height of a node's box: title, kind, then `lines` more (a failure mark, facts).
fn node_height(lines: usize) -> f64 {
    40.0 + 14.0 * lines as f64
}

/// Places every network, node and secret of the wiring; nodes of the `failing` resources (URNs)
/// get a line more, for their mark.
pub fn place(wiring: &Wiring, failing: &[&str]) -> Layout {
    let heights: Vec<f64> = wiring
        .nodes
        .iter()
        .map(|n| {
            let mark = usize::from(failing.contains(&n.resource.as_str()));
            node_height(n.facts.len().min(NODE_FACTS) + mark)
        })
        .collect();
    let mut layout = Layout {
        nodes: vec![Rect::default(); wiring.nodes.len()],
        ..Layout::default()
    };
    let mut y = MARGIN;
    for network in 0..wiring.networks.len() {
        let top = y;
        let mut cursor = top + NETWORK_HEADER;
        let tiers = wiring.networks[network].tiers.len();
        let mut lanes = Vec::new();
        let members = |lane: Option<usize>| -> Vec<usize> {
            (0..wiring.nodes.len())
                .filter(|&i| wiring.network_of(&wiring.nodes[i]) == Some(network))
                .filter(|&i| wiring.tier_of(network, &wiring.nodes[i]) == lane)
                .collect()
        };
        let others = members(None);
        let lane_ids: Vec<Option<usize>> = (0..tiers)
            .map(Some)
            .chain((!others.is_empty()).then_some(None))
            .collect();
        for lane in lane_ids {
            let subnets = lane.map_or(0, |t| wiring.networks[network].tiers[t].subnets.len());
            let label_height = 28.0 + SUBNET_LINE * subnets as f64;
            let content = place_row_wise(&mut layout, &heights, &members(lane), cursor);
            let height = label_height.max(content).max(48.0);
            lanes.push((
                lane,
                Rect {
                    x: MARGIN,
                    y: cursor,
                    w: MAIN_WIDTH,
                    h: height,
                },
            ));
            cursor += height;
        }
        let rect = Rect {
            x: MARGIN,
            y: top,
            w: MAIN_WIDTH,
            h: cursor - top + 4.0,
        };
        layout.networks.push(NetworkBox {
            network,
            rect,
            lanes,
        });
        y = rect.y + rect.h + 20.0;
    }
    let mut side = MARGIN;
    let regional: Vec<usize> = (0..wiring.nodes.len())
        .filter(|&i| wiring.network_of(&wiring.nodes[i]).is_none())
        .collect();
    if !regional.is_empty() {
        let top = side;
        side += GROUP_HEADER;
        for i in regional {
            let h = heights[i];
            layout.nodes[i] = Rect {
                x: SIDE_X + 12.0,
                y: side,
                w: SIDE_WIDTH - 24.0,
                h,
            };
            side += h + GAP;
        }
        layout.regional = Some(group(top, side));
        side += 20.0;
    }
    if !wiring.secrets.is_empty() {
        let top = side;
        side += GROUP_HEADER;
        for _ in &wiring.secrets {
            layout.secrets.push(Rect {
                x: SIDE_X + 12.0,
                y: side,
                w: SIDE_WIDTH - 24.0,
                h: SECRET_HEIGHT,
            });
            side += SECRET_HEIGHT + GAP;
        }
        layout.secret_group = Some(group(top, side));
        side += 20.0;
    }
    layout.height = y.max(side) + LEGEND_HEIGHT;
    layout
}

fn group(top: f64, bottom: f64) -> Rect {
    Rect {
        x: SIDE_X,
        y: top,
        w: SIDE_WIDTH,
        h: bottom - top,
    }
}

/// Places nodes in rows right of a band's label; returns the height they take.
fn place_row_wise(layout: &mut Layout, heights: &[f64], members: &[usize], top: f64) -> f64 {
    let area = MAIN_WIDTH - LANE_LABEL_WIDTH - GAP;
    let per_row = (((area + GAP) / (NODE_WIDTH + GAP)).floor() as usize).max(1);
    let mut y = top + GAP;
    for row in members.chunks(per_row) {
        let height = row.iter().map(|&i| heights[i]).fold(0.0, f64::max);
        for (column, &i) in row.iter().enumerate() {
            layout.nodes[i] = Rect {
                x: MARGIN + LANE_LABEL_WIDTH + column as f64 * (NODE_WIDTH + GAP),
                y,
                w: NODE_WIDTH,
                h: height,
            };
        }
        y += height + GAP;
    }
    y - top
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_leaves_a_rectangle_on_the_side_it_points_to() {
        let r = Rect {
            x: 0.0,
            y: 0.0,
            w: 100.0,
            h: 50.0,
        };
        assert_eq!(r.border_toward((200.0, 25.0)), (100.0, 25.0));
        assert_eq!(r.border_toward((50.0, -100.0)), (50.0, 0.0));
        assert_eq!(r.border_toward((50.0, 25.0)), (50.0, 25.0));
    }

    #[test]
    fn rectangles_overlap_only_when_they_share_area() {
        let a = Rect {
            x: 0.0,
            y: 0.0,
            w: 10.0,
            h: 10.0,
        };
        let touching = Rect { x: 10.0, ..a };
        let crossing = Rect {
            x: 5.0,
            y: 5.0,
            ..a
        };
        assert!(a.overlaps(&crossing) && crossing.overlaps(&a));
        assert!(!a.overlaps(&touching));
    }
}
