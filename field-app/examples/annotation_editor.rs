//! The annotation editor, signature pad and camera panel in a window of their own, to try
//! them with a mouse, pen or touch screen before the whole app is at hand:
//!
//! ```sh
//! cargo run -p naper-field-app --example annotation_editor -- assets/photos/orientation-6.jpg
//! ```
//!
//! `--sample` starts the editor with a few annotations of every kind; `--export OUT.png`
//! also writes annotate's full-resolution export of them, to hold against the canvas;
//! `--pad` shows the signature pad, `--camera` the camera panel. "Done" prints the
//! annotations as JSON.

use annotate::{
    Annotation, NormPoint, NormRect, RedactionMethod, RedactionOutline, Rgba, Shape, Style,
};
use field_app::gui::annotation_editor::{AnnotationEditor, EditorOutcome, preview_image};
use field_app::gui::camera::CameraPanel;
use field_app::gui::i18n::DE;
use field_app::gui::signature_pad::SignaturePad;

enum Screen {
    Editor(Box<AnnotationEditor>),
    Pad(SignaturePad, Option<schema::Signature>),
    Camera(CameraPanel),
}

impl eframe::App for Screen {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| match self {
            Screen::Editor(editor) => match editor.show(ui, &DE) {
                EditorOutcome::Editing => {}
                EditorOutcome::Done(annotations) => {
                    match serde_json::to_string_pretty(&annotations) {
                        Ok(json) => println!("{json}"),
                        Err(e) => eprintln!("cannot print the annotations: {e}"),
                    }
                    ui.send_viewport_cmd(egui::ViewportCommand::Close);
                }
                EditorOutcome::Cancelled => ui.send_viewport_cmd(egui::ViewportCommand::Close),
            },
            Screen::Pad(pad, value) => {
                pad.show(ui, &DE, value);
            }
            Screen::Camera(panel) => {
                if let Some(photo) = panel.show(ui, &DE) {
                    println!("photo: {} bytes, {:?}", photo.bytes.len(), photo.file_name);
                }
            }
        });
    }
}

fn sample() -> Vec<Annotation> {
    let style = |color, width| Style {
        color,
        width,
        fill: None,
    };
    let red = Rgba::opaque(230, 25, 25);
    let yellow = Rgba::opaque(255, 214, 0);
    let p = NormPoint::new;
    let shapes = [
        (
            Shape::Freehand {
                points: (0..40)
                    .map(|i| {
                        let t = i as f32 / 39.0 * std::f32::consts::TAU;
                        p(0.3 + 0.12 * t.cos(), 0.45 + 0.15 * t.sin())
                    })
                    .collect(),
                pressure: Vec::new(),
            },
            style(red, 0.006),
        ),
        (
            Shape::Arrow {
                from: p(0.75, 0.15),
                to: p(0.5, 0.4),
            },
            style(yellow, 0.012),
        ),
        (
            Shape::Rectangle {
                bounds: NormRect::from_corners(p(0.6, 0.55), p(0.9, 0.85)),
            },
            style(red, 0.003),
        ),
        (
            Shape::Text {
                anchor: p(0.08, 0.08),
                text: "Reifenspuren, Ölfleck".into(),
                size: 0.05,
            },
            style(yellow, 0.006),
        ),
        (
            Shape::Redaction {
                bounds: NormRect::from_corners(p(0.1, 0.7), p(0.25, 0.9)),
                outline: RedactionOutline::Ellipse,
                method: RedactionMethod::Pixelate,
            },
            style(red, 0.006),
        ),
    ];
    shapes
        .into_iter()
        .enumerate()
        .map(|(z, (shape, style))| Annotation::new(shape, style, "example", z as i64))
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let screen = if flag("--pad") {
        Screen::Pad(SignaturePad::new(), None)
    } else if flag("--camera") {
        Screen::Camera(CameraPanel::default())
    } else {
        let path = args
            .iter()
            .enumerate()
            .find(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--export"))
            .map(|(_, a)| a)
            .ok_or("usage: annotation_editor PHOTO [--sample] | --pad | --camera")?;
        let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        let (image, full_size) = preview_image(&bytes)?;
        let annotations = if flag("--sample") {
            sample()
        } else {
            Vec::new()
        };
        if let Some(out) = args
            .iter()
            .position(|a| a == "--export")
            .and_then(|i| args.get(i + 1))
        {
            let options = annotate::FlattenOptions {
                format: annotate::ExportFormat::Png,
                ..Default::default()
            };
            let png = annotate::flatten(&bytes, &annotations, options)?;
            std::fs::write(out, png).map_err(|e| format!("{out}: {e}"))?;
        }
        Screen::Editor(Box::new(AnnotationEditor::new(
            image,
            full_size,
            annotations,
        )))
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default().with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native(
        "naper annotation editor",
        options,
        Box::new(|_| Ok(Box::new(screen))),
    )?;
    Ok(())
}
