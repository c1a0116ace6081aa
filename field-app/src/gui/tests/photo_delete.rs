//! Deleting a photo from the form's photo strip: asked again first, then gone from the store
//! with its drawings.

use egui_kittest::kittest::Queryable;

use super::fixture::*;

#[test]
fn a_photo_is_deleted_only_after_the_officer_confirms() {
    let dir = enrolled_dir();
    let mut h = harness(dir.path());
    new_every_kind_case(&mut h);
    for _ in 0..2 {
        h.input_mut().dropped_files.push(dropped(sample_photo()));
        h.run_ok();
    }
    let photos = stored_case(dir.path()).photos;
    assert_eq!(photos.len(), 2);
    let (gone, kept) = (photos[0].id, photos[1].id);

    // Draw on the photo that will go, so that its drawings go with it.
    click(&mut h, &format!("Einzeichnen: {gone}"));
    click(&mut h, "Rechteck");
    let canvas = h.get_by_label("Foto-Zeichenfläche").rect();
    let at = |x, y| canvas.lerp_inside(egui::vec2(x, y));
    drag(&mut h, at(0.2, 0.2), at(0.5, 0.6));
    click(&mut h, "Fertig");
    assert_eq!(stored_case(dir.path()).photos[0].annotations.len(), 1);

    // A mis-tap only asks; "keep" backs out.
    click(&mut h, &format!("Foto löschen: {gone}"));
    assert!(shows(&h, "Foto mit allen Markierungen löschen?"));
    assert_eq!(stored_case(dir.path()).photos.len(), 2, "nothing lost yet");
    click(&mut h, &format!("Behalten: {gone}"));
    assert!(!shows(&h, "Foto mit allen Markierungen löschen?"));
    assert_eq!(stored_case(dir.path()).photos.len(), 2);

    click(&mut h, &format!("Foto löschen: {gone}"));
    click(&mut h, &format!("Ja, löschen: {gone}"));
    let case = stored_case(dir.path());
    assert_eq!(
        case.photos.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![kept]
    );
    assert!(!shows(&h, &format!("Einzeichnen: {gone}")));
    assert!(shows(&h, &format!("Einzeichnen: {kept}")));
    assert!(!shows(&h, "Foto mit allen Markierungen löschen?"));

    // The delete buttons are finger-sized.
    let size = h
        .get_by_label(&format!("Foto löschen: {kept}"))
        .rect()
        .size();
    assert!(size.x >= 48.0 && size.y >= 48.0, "{size:?}");
}
