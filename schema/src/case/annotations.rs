//! How `annotate`'s annotations are stored in the case document.
//!
//! Each annotation is a map keyed by its id (see `keyed`), with its style in separate keys so
//! that one device recolouring and another moving the same annotation both take effect. The
//! geometry is one JSON string: it changes as a whole (a move shifts every point), and a
//! stroke's points as separate list items would make the document many times larger.

use annotate::{Annotation, AnnotationId, Rgba, Shape, Style};
use autosurgeon::reconcile::MapReconciler;
use autosurgeon::{Hydrate, HydrateError, Prop, ReadDoc, Reconcile, Reconciler};

use super::keyed::{self, Keyed};
use super::single_pass::ScalarProps;

/// An annotation being written; newtypes because both the type and the traits are foreign.
struct AnnotationRef<'a>(&'a Annotation);

/// An annotation read back.
struct HydratedAnnotation(Annotation);

impl Keyed for AnnotationRef<'_> {
    fn key(&self) -> String {
        self.0.id.to_string()
    }
    fn order(&self) -> i64 {
        self.0.z
    }
}

impl Keyed for HydratedAnnotation {
    fn key(&self) -> String {
        self.0.id.to_string()
    }
    fn order(&self) -> i64 {
        self.0.z
    }
}

impl Reconcile for AnnotationRef<'_> {
    type Key<'k> = autosurgeon::reconcile::NoKey;

    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        let a = &self.0;
        let mut map = reconciler.map()?;
        map.put("id", a.id.0)?;
        // Serializing plain data cannot fail; an empty string would hydrate as an error.
        map.put("shape", serde_json::to_string(&a.shape).unwrap_or_default())?;
        map.put("color", u64::from(a.style.color.to_u32()))?;
        map.put("width", f64::from(a.style.width))?;
        map.put("fill", a.style.fill.map(|c| u64::from(c.to_u32())))?;
        map.put("author", &a.author)?;
        map.put("created_at_ms", a.created_at_ms)?;
        map.put("z", a.z)?;
        Ok(())
    }
}

impl Hydrate for HydratedAnnotation {
    fn hydrate_map<D: ReadDoc>(doc: &D, obj: &automerge::ObjId) -> Result<Self, HydrateError> {
        // A case holds hundreds of these small maps, and looking up each key on its own made
        // them most of the time it took to hydrate a case: read each map in one pass instead.
        let props = ScalarProps::read(doc, obj);
        let shape: String = props.get("shape")?;
        let shape: Shape = serde_json::from_str(&shape)
            .map_err(|e| HydrateError::unexpected("an annotation shape as JSON", e.to_string()))?;
        let color = |key: &str| -> Result<Option<Rgba>, HydrateError> {
            let packed: Option<u64> = props.get_optional(key)?;
            packed
                .map(|p| {
                    u32::try_from(p)
                        .map(Rgba::from_u32)
                        .map_err(|_| HydrateError::unexpected("an RGBA colour", format!("{p}")))
                })
                .transpose()
        };
        let width: f64 = props.get("width")?;
        Ok(HydratedAnnotation(Annotation {
            id: AnnotationId(props.get("id")?),
            shape,
            style: Style {
                color: color("color")?
                    .ok_or_else(|| HydrateError::unexpected("a colour", "nothing".into()))?,
                width: width as f32,
                fill: color("fill")?,
            },
            author: props.get("author")?,
            created_at_ms: props.get("created_at_ms")?,
            z: props.get("z")?,
        }))
    }
}

/// `#[autosurgeon(with = "annotation_list")]` for a photo's `Vec<Annotation>`.
pub(crate) mod annotation_list {
    use super::*;

    pub(crate) fn reconcile<R: Reconciler>(
        items: &[Annotation],
        reconciler: R,
    ) -> Result<(), R::Error> {
        let refs: Vec<AnnotationRef<'_>> = items.iter().map(AnnotationRef).collect();
        keyed::reconcile(&refs, reconciler)
    }

    pub(crate) fn hydrate<D: ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
        prop: Prop<'_>,
    ) -> Result<Vec<Annotation>, HydrateError> {
        let stored: Vec<HydratedAnnotation> = keyed::hydrate(doc, obj, prop)?;
        Ok(stored.into_iter().map(|s| s.0).collect())
    }
}

/// Orders annotations as hydration returns them: by z, then id; the last of equal ids wins.
pub(crate) fn normalize(items: &mut Vec<Annotation>) {
    let mut wrapped: Vec<HydratedAnnotation> = items.drain(..).map(HydratedAnnotation).collect();
    keyed::normalize(&mut wrapped);
    *items = wrapped.into_iter().map(|w| w.0).collect();
}
