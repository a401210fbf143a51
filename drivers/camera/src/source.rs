//! Where frames come from.

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

#[cfg(test)]
mod tests {
    use super::*;

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
