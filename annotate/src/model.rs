//! The annotation data model: plain, serializable values.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A point in normalized image coordinates: `(0, 0)` is the top-left and `(1, 1)` the
/// bottom-right corner of the photo as displayed, i.e. after EXIF orientation is applied.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NormPoint {
    /// Horizontal position, 0 = left edge, 1 = right edge.
    pub x: f32,
    /// Vertical position, 0 = top edge, 1 = bottom edge.
    pub y: f32,
}

impl NormPoint {
    /// A point at `(x, y)`.
    pub const fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }
}

/// An axis-aligned rectangle in normalized image coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NormRect {
    /// Top-left corner.
    pub min: NormPoint,
    /// Bottom-right corner.
    pub max: NormPoint,
}

impl NormRect {
    /// The rectangle spanned by two opposite corners, in any order (as dragged on the canvas).
    pub fn from_corners(a: NormPoint, b: NormPoint) -> Self {
        Self {
            min: NormPoint::new(a.x.min(b.x), a.y.min(b.y)),
            max: NormPoint::new(a.x.max(b.x), a.y.max(b.y)),
        }
    }

    /// Horizontal extent.
    pub fn width(&self) -> f32 {
        self.max.x - self.min.x
    }

    /// Vertical extent.
    pub fn height(&self) -> f32 {
        self.max.y - self.min.y
    }

    /// The centre.
    pub fn center(&self) -> NormPoint {
        NormPoint::new(
            (self.min.x + self.max.x) / 2.0,
            (self.min.y + self.max.y) / 2.0,
        )
    }

    /// Whether `p` lies inside or on the border.
    pub fn contains(&self, p: NormPoint) -> bool {
        p.x >= self.min.x && p.x <= self.max.x && p.y >= self.min.y && p.y <= self.max.y
    }

    /// The smallest rectangle containing all `points`; `None` for no points.
    pub fn enclosing(points: impl IntoIterator<Item = NormPoint>) -> Option<Self> {
        let mut points = points.into_iter();
        let first = points.next()?;
        let mut rect = Self {
            min: first,
            max: first,
        };
        for p in points {
            rect.min.x = rect.min.x.min(p.x);
            rect.min.y = rect.min.y.min(p.y);
            rect.max.x = rect.max.x.max(p.x);
            rect.max.y = rect.max.y.max(p.y);
        }
        Some(rect)
    }
}

/// An sRGB colour with straight (not premultiplied) alpha.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rgba {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
    /// Alpha: 0 transparent, 255 opaque.
    pub a: u8,
}

impl Rgba {
    /// An opaque colour.
    pub const fn opaque(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b, a: 255 }
    }

    /// The colour packed as `0xRRGGBBAA`, a compact form for storage.
    pub const fn to_u32(self) -> u32 {
        u32::from_be_bytes([self.r, self.g, self.b, self.a])
    }

    /// The colour from its packed `0xRRGGBBAA` form.
    pub const fn from_u32(packed: u32) -> Self {
        let [r, g, b, a] = packed.to_be_bytes();
        Self { r, g, b, a }
    }
}

/// How an annotation is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Style {
    /// Stroke (and text) colour.
    pub color: Rgba,
    /// Stroke width as a fraction of the image's shorter side, so that a line looks equally
    /// thick on the tablet's preview and on the full-resolution export.
    pub width: f32,
    /// Fill of closed shapes (ellipse, rectangle); `None` draws the outline only.
    pub fill: Option<Rgba>,
}

/// The outline of a redaction region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedactionOutline {
    /// The whole bounding rectangle.
    Rectangle,
    /// The ellipse inscribed in the bounding rectangle (faces).
    Ellipse,
}

/// How redacted pixels are destroyed in every exported image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedactionMethod {
    /// Coarse blocks of averaged colour.
    Pixelate,
    /// A strong blur.
    Blur,
}

/// The geometry of an annotation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Shape {
    /// A freehand pen stroke.
    Freehand {
        /// The stroke's points in drawing order.
        points: Vec<NormPoint>,
        /// Per-point pen pressure in 0..1; empty when the input device has none, otherwise
        /// as long as `points`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        pressure: Vec<f32>,
    },
    /// A straight arrow whose head is at `to`.
    Arrow {
        /// Tail.
        from: NormPoint,
        /// Head.
        to: NormPoint,
    },
    /// A straight line.
    Line {
        /// One end.
        from: NormPoint,
        /// The other end.
        to: NormPoint,
    },
    /// The ellipse inscribed in `bounds`.
    Ellipse {
        /// Bounding rectangle.
        bounds: NormRect,
    },
    /// A rectangle.
    Rectangle {
        /// The rectangle.
        bounds: NormRect,
    },
    /// A text label such as "Reifenspuren".
    Text {
        /// Top-left corner of the text.
        anchor: NormPoint,
        /// The text, in any script the embedded font covers (German umlauts and ß included).
        text: String,
        /// Line height as a fraction of the image's shorter side.
        size: f32,
    },
    /// A region whose pixels are destroyed in every exported image (DSGVO: faces, plates).
    Redaction {
        /// Bounding rectangle of the region.
        bounds: NormRect,
        /// Rectangle or ellipse.
        outline: RedactionOutline,
        /// Pixelate or blur.
        method: RedactionMethod,
    },
}

impl Shape {
    /// The points that define the shape (for text: its anchor), in a fixed order.
    pub fn control_points(&self) -> Vec<NormPoint> {
        match self {
            Shape::Freehand { points, .. } => points.clone(),
            Shape::Arrow { from, to } | Shape::Line { from, to } => vec![*from, *to],
            Shape::Ellipse { bounds }
            | Shape::Rectangle { bounds }
            | Shape::Redaction { bounds, .. } => vec![bounds.min, bounds.max],
            Shape::Text { anchor, .. } => vec![*anchor],
        }
    }

    /// The shape with every defining point replaced by `f(point)`; text size and pressure are
    /// kept. Rectangles are re-sorted so that `min` stays the top-left corner.
    pub fn map_points(&self, mut f: impl FnMut(NormPoint) -> NormPoint) -> Shape {
        let mut map_rect = |r: &NormRect| NormRect::from_corners(f(r.min), f(r.max));
        match self {
            Shape::Freehand { points, pressure } => Shape::Freehand {
                points: points.iter().map(|p| f(*p)).collect(),
                pressure: pressure.clone(),
            },
            Shape::Arrow { from, to } => Shape::Arrow {
                from: f(*from),
                to: f(*to),
            },
            Shape::Line { from, to } => Shape::Line {
                from: f(*from),
                to: f(*to),
            },
            Shape::Ellipse { bounds } => Shape::Ellipse {
                bounds: map_rect(bounds),
            },
            Shape::Rectangle { bounds } => Shape::Rectangle {
                bounds: map_rect(bounds),
            },
            Shape::Redaction {
                bounds,
                outline,
                method,
            } => Shape::Redaction {
                bounds: map_rect(bounds),
                outline: *outline,
                method: *method,
            },
            Shape::Text { anchor, text, size } => Shape::Text {
                anchor: f(*anchor),
                text: text.clone(),
                size: *size,
            },
        }
    }

    /// Whether this is a redaction, which is always painted below every other annotation.
    pub fn is_redaction(&self) -> bool {
        matches!(self, Shape::Redaction { .. })
    }
}

/// The stable identity of an annotation; two devices adding annotations at once never clash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AnnotationId(pub Uuid);

impl AnnotationId {
    /// A new, time-ordered id (UUIDv7).
    pub fn new() -> Self {
        Self(Uuid::now_v7())
    }
}

impl Default for AnnotationId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for AnnotationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// One drawing on a photo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    /// Stable identity.
    pub id: AnnotationId,
    /// What is drawn.
    pub shape: Shape,
    /// How it is drawn.
    pub style: Style,
    /// Who drew it (user name or id).
    pub author: String,
    /// When it was drawn, milliseconds since the Unix epoch (UTC).
    pub created_at_ms: i64,
    /// Stacking order: higher values are drawn later, on top. Ties are broken by `id`.
    pub z: i64,
}

impl Annotation {
    /// A new annotation by `author` with a fresh id, created now, at stacking order `z`.
    pub fn new(shape: Shape, style: Style, author: impl Into<String>, z: i64) -> Self {
        let created_at_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        Self {
            id: AnnotationId::new(),
            shape,
            style,
            author: author.into(),
            created_at_ms,
            z,
        }
    }

    /// The key that orders annotations for painting: redactions first (they destroy pixels
    /// that nothing may be drawn under), then by `z`, ties broken by `id`.
    pub fn paint_key(&self) -> (bool, i64, AnnotationId) {
        (!self.shape.is_redaction(), self.z, self.id)
    }
}

/// `annotations` sorted into painting order (bottom first), see [`Annotation::paint_key`].
/// The canvas must paint in this order too, so that screen and export agree.
pub fn paint_order(annotations: &[Annotation]) -> Vec<&Annotation> {
    let mut sorted: Vec<&Annotation> = annotations.iter().collect();
    sorted.sort_by_key(|a| a.paint_key());
    sorted
}
