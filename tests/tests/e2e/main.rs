//! The end-to-end tests of the kiosk, as one test binary: the kiosk library, its binaries and the
//! simulators together (one link of Slint, OpenCV and the rest instead of one per file).

mod app_config;
mod app_doctor;
mod app_driver;
mod central_client;
mod cli_certificate_cups;
mod cli_face;
mod cli_idcard;
mod cli_journal;
mod cli_print;
mod contract_examples;
mod demo_out;
mod driver_sim;
mod e2e_processes;
mod face_pipeline;
mod journal_upload;
mod outbox_central;
mod ticket_printing;
