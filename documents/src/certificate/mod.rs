//! The A4 query-result certificate (不动产登记资料查询结果证明).
//!
//! [`CertificateDoc`] is what gets printed, as text already formatted: it is built from central's
//! [`Certificate`] and the kiosk's [`KioskContext`] by [`CertificateDoc::new`], and turned into
//! PDF bytes by [`render_pdf`]. Layout: a header on every page (title, query number, purpose,
//! query and print times, requester, agency, device, phone, verification QR and code, seal);
//! page 1 summarises every unit; then one detail page per unit (continued on further pages if its
//! restrictions do not fit); a "no record" certificate is one statement under the same header.
//! Every page ends with "第 n 页 共 m 页".
//!
//! Law (实施细则 Art. 102): the certificate states the purpose and the date and carries the query
//! seal. Masking: central masks what the requester may not see; for an interested party the
//! requester's and the holders' ID numbers are masked again here, which changes nothing when
//! central did its part and hides the number when it did not.

mod layout;
mod model;
mod qr;
mod render;
mod sample;
mod seal;

pub use model::{
    CertificateDoc, DetailRow, Field, KioskContext, QueryResult, RestrictionDoc, Seal, UnitDoc,
    UnitSummary, Wording,
};
pub use render::{RenderError, render_pdf};

#[cfg(doc)]
use central_api::dto::Certificate;
