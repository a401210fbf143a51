//! Where frames come from: the trait, the names a source is given on the command line, and
//! [`open_source`].

use crate::capture::VideoFileSource;
use crate::images::ImageSequenceSource;
use crate::v4l2::DeviceSource;
use crate::{CameraError, Frame};

/// A source of frames: a camera, a file, a folder, a scripted sequence.
pub trait FrameSource {
    /// The next frame; `Ok(None)` at the end of a file or sequence (a live camera never ends).
    ///
    /// # Errors
    /// [`CameraError::Lost`] when a live camera stops delivering frames.
    fn next_frame(&mut self) -> Result<Option<Frame>, CameraError>;

    /// What the screen is asking of the citizen now (`None` between prompts). Real cameras
    /// ignore it; the simulator's cooperative citizen follows it.
    fn prompt(&mut self, _shown: Option<liveness::Challenge>) {}

    /// A short description for logs and diagnostics (never a person's data).
    fn describe(&self) -> String;

    /// What a camera offers: its formats, frame sizes and frame rates, for `kiosk doctor`
    /// (`None` for files and folders).
    fn offers(&self) -> Option<String> {
        None
    }
}

/// A source named on the command line or in the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSpec {
    /// `video:FILE`: a video file.
    Video(std::path::PathBuf),
    /// `frames:DIR`: the images in a folder, in file-name order.
    Frames(std::path::PathBuf),
    /// `device:N`: a V4L2 camera by index.
    DeviceIndex(i32),
    /// `device:/dev/videoN`: a V4L2 camera by path.
    DevicePath(std::path::PathBuf),
}

impl std::fmt::Display for SourceSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Video(p) => write!(f, "video:{}", p.display()),
            Self::Frames(p) => write!(f, "frames:{}", p.display()),
            Self::DeviceIndex(n) => write!(f, "device:{n}"),
            Self::DevicePath(p) => write!(f, "device:{}", p.display()),
        }
    }
}

impl std::str::FromStr for SourceSpec {
    type Err = CameraError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || CameraError::BadSpec(s.to_owned());
        let (kind, rest) = s.split_once(':').ok_or_else(bad)?;
        if rest.is_empty() {
            return Err(bad());
        }
        match kind {
            "video" => Ok(Self::Video(rest.into())),
            "frames" => Ok(Self::Frames(rest.into())),
            "device" => Ok(match rest.parse::<i32>() {
                Ok(n) if n >= 0 => Self::DeviceIndex(n),
                Ok(_) => return Err(bad()),
                Err(_) => Self::DevicePath(rest.into()),
            }),
            _ => Err(bad()),
        }
    }
}

/// How to open a source; the defaults suit a 640x480 USB camera at 30 frames a second.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceOptions {
    /// Width requested from a camera (the driver may pick the nearest mode it has).
    pub width: u32,
    /// Height requested from a camera.
    pub height: u32,
    /// Frame rate requested from a camera.
    pub fps: f64,
    /// The frame rate an image sequence is played at (its frames are `1000 / fps` ms apart).
    pub frames_fps: f64,
    /// The near-infrared camera, when one is fitted (a seam: nothing opens it yet; see
    /// [`crate::ir_measures`] for what would be measured in its frames).
    pub ir: Option<SourceSpec>,
}

impl Default for SourceOptions {
    fn default() -> Self {
        Self {
            width: 640,
            height: 480,
            fps: 30.0,
            frames_fps: crate::images::DEFAULT_FRAMES_FPS,
            ir: None,
        }
    }
}

/// Opens the source a spec names: a V4L2 camera ([`DeviceSource`]), a video file
/// ([`VideoFileSource`]) or a folder of images ([`ImageSequenceSource`]).
///
/// Wrap a camera in [`crate::Reconnecting`] to survive it being unplugged.
///
/// # Errors
/// [`CameraError::Open`] when the device, file or folder cannot be opened.
pub fn open_source(
    spec: &SourceSpec,
    options: &SourceOptions,
) -> Result<Box<dyn FrameSource + Send>, CameraError> {
    Ok(match spec {
        SourceSpec::Video(path) => Box::new(VideoFileSource::open(path)?),
        SourceSpec::Frames(dir) => Box::new(ImageSequenceSource::open(dir, options.frames_fps)?),
        SourceSpec::DeviceIndex(n) => Box::new(DeviceSource::open_index(*n, options)?),
        SourceSpec::DevicePath(path) => Box::new(DeviceSource::open_path(path, options)?),
    })
}

impl<S: FrameSource + ?Sized> FrameSource for Box<S> {
    fn next_frame(&mut self) -> Result<Option<Frame>, CameraError> {
        (**self).next_frame()
    }

    fn prompt(&mut self, shown: Option<liveness::Challenge>) {
        (**self).prompt(shown);
    }

    fn describe(&self) -> String {
        (**self).describe()
    }

    fn offers(&self) -> Option<String> {
        (**self).offers()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_display_as_they_parse() {
        for s in ["device:0", "device:/dev/video2", "video:a.mp4", "frames:d"] {
            assert_eq!(s.parse::<SourceSpec>().unwrap().to_string(), s);
        }
    }

    #[test]
    fn specs_parse() {
        assert_eq!(
            "device:0".parse::<SourceSpec>().ok(),
            Some(SourceSpec::DeviceIndex(0))
        );
        assert_eq!(
            "device:/dev/video2".parse::<SourceSpec>().ok(),
            Some(SourceSpec::DevicePath("/dev/video2".into()))
        );
        assert_eq!(
            "video:a.mp4".parse::<SourceSpec>().ok(),
            Some(SourceSpec::Video("a.mp4".into()))
        );
        assert_eq!(
            "frames:d".parse::<SourceSpec>().ok(),
            Some(SourceSpec::Frames("d".into()))
        );
        for bad in ["", "video:", "device:-1", "webcam:0", "plain"] {
            assert!(bad.parse::<SourceSpec>().is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_spec_displays_as_it_parses(kind in 0..3u8, n in 0..1000i32, name in "[a-z0-9_./-]{1,20}") {
            let text = match kind {
                0 => format!("video:{name}"),
                1 => format!("frames:{name}"),
                _ => format!("device:{n}"),
            };
            let spec: SourceSpec = text.parse().unwrap();
            prop_assert_eq!(spec.to_string(), text);
        }

        #[test]
        fn parsing_never_panics(text in ".{0,40}") {
            let _ = text.parse::<SourceSpec>();
        }
    }
}
