//! Headless drawing through Slint's software renderer: a [`slint::platform::Platform`] whose
//! windows are [`MinimalSoftwareWindow`]s, for screenshots (`kiosk demo --out DIR`), UI tests and
//! benchmarks. No display, no GPU.
//!
//! Slint has one platform per thread: install this one before any window is created on the
//! thread, and do not mix it with a display backend on the same thread.

use crate::UiError;
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

thread_local! {
    /// Whether this module's platform is installed on this thread (Slint's platform is per thread).
    static INSTALLED: Cell<bool> = const { Cell::new(false) };

    /// The window the platform made last on this thread (each component gets its own).
    static LAST_WINDOW: RefCell<Option<Rc<MinimalSoftwareWindow>>> = const { RefCell::new(None) };
}

/// The headless platform.
struct HeadlessPlatform {
    start: Instant,
}

impl Platform for HeadlessPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
        LAST_WINDOW.with(|last| *last.borrow_mut() = Some(window.clone()));
        Ok(window)
    }

    fn duration_since_start(&self) -> Duration {
        self.start.elapsed()
    }
}

/// Installs the headless platform on this thread; does nothing when it is already installed.
pub fn install() -> Result<(), UiError> {
    if is_installed() {
        return Ok(());
    }
    slint::platform::set_platform(Box::new(HeadlessPlatform {
        start: Instant::now(),
    }))
    .map_err(|_| UiError::PlatformInUse)?;
    INSTALLED.with(|i| i.set(true));
    Ok(())
}

/// Whether the headless platform is installed on this thread.
pub fn is_installed() -> bool {
    INSTALLED.with(Cell::get)
}

/// Takes the window the platform made last on this thread.
pub(crate) fn take_last_window() -> Option<Rc<MinimalSoftwareWindow>> {
    LAST_WINDOW.with(|last| last.borrow_mut().take())
}
