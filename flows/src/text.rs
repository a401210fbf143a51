//! The text catalogue: every message key with its Chinese and English text, in one place.
//!
//! Screens carry keys (and arguments for `{0}`, `{1}`, ...), so the UI can switch language at
//! any moment without the flow's state changing. A test checks that every key has both texts
//! and that both use the same placeholders.

use crate::types::Lang;

macro_rules! texts {
    ($( $(#[$meta:meta])* $key:ident => $zh:literal, $en:literal; )+) => {
        /// A message key.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum TextKey {
            $( $(#[$meta])* #[doc = $en] $key, )+
        }

        impl TextKey {
            /// Every key.
            pub const ALL: &'static [TextKey] = &[$(TextKey::$key),+];

            /// The Chinese text.
            pub const fn zh(self) -> &'static str {
                match self { $(TextKey::$key => $zh,)+ }
            }

            /// The English text.
            pub const fn en(self) -> &'static str {
                match self { $(TextKey::$key => $en,)+ }
            }
        }
    };
}

impl TextKey {
    /// The text in `lang`.
    pub const fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => self.en(),
        }
    }
}

/// Fills `{0}`, `{1}`, ... with the arguments; a placeholder without an argument is left empty.
pub fn fill(template: &str, args: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open + 1..).unwrap_or_default();
        match after.find('}') {
            Some(close) => {
                let index = after.get(..close).and_then(|n| n.parse::<usize>().ok());
                match index {
                    Some(i) => out.push_str(args.get(i).map(String::as_str).unwrap_or_default()),
                    None => out.push_str(rest.get(open..open + close + 2).unwrap_or_default()),
                }
                rest = after.get(close + 1..).unwrap_or_default();
            }
            None => {
                out.push_str(rest.get(open..).unwrap_or_default());
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

texts! {
    // Shell, navigation, idle
    IdleTitle => "不动产登记自助服务", "Real-estate registration self-service";
    FlowRecords => "查询打证（权属 / 有房无房）", "Records query and certificate";
    FlowCheckIn => "预约签到", "Appointment check-in";
    FlowTicket => "现场取号", "Take a queue ticket";
    FlowCase => "办件进度 / 缴费 / 领证方式", "Case progress, fees and pickup";
    FlowGuide => "办事指南", "Service guide";
    FlowAskRate => "我要问 / 我要评", "Ask and rate";
    OutOfService => "暂停服务", "Out of service";
    GoToWindow => "请到 {0} 号人工窗口办理", "Please go to staffed window {0}";
    GoToWindowNow => "请到人工窗口办理", "Please go to a staffed window";
    Back => "返回", "Back";
    Home => "首页", "Home";
    StaffedWindow => "人工窗口", "Staffed window";
    Language => "English", "中文";
    ElderMode => "长辈模式", "Elder mode";
    WarningTitle => "您还在吗？", "Are you still there?";
    WarningCountdown => "{0} 秒后将退出并清除您的信息", "Leaving in {0} seconds; your data will be cleared";
    WarningElder => "需要更多时间请点“继续”", "Tap \"Continue\" if you need more time";
    Extend => "继续", "Continue";
    Done => "完成", "Done";
    Retry => "重试", "Try again";
    EndSession => "结束", "End";
    Submit => "提交", "Submit";
    Print => "打印", "Print";
    PleaseWait => "请稍候……", "Please wait...";
    QueryingTitle => "正在查询", "Querying";
    PrintingTitle => "正在打印", "Printing";
    NoticeTitle => "提示", "Notice";
    // Exits
    ExitDone => "感谢使用，您的信息已清除", "Thank you. Your data has been cleared";
    ExitHome => "已返回首页，您的信息已清除", "Back at the start. Your data has been cleared";
    ExitTimedOut => "长时间无操作，已退出并清除您的信息", "No activity: the session ended and your data was cleared";
    ExitCardLifted => "身份证已取走，已退出并清除您的信息", "The ID card was removed: the session ended and your data was cleared";
    ExitStaffed => "请到人工窗口继续办理，您的信息已清除", "Please continue at a staffed window. Your data has been cleared";
    ExitConsentDeclined => "您未同意人脸识别，可到人工窗口核验身份办理", "You did not consent to face verification; a staffed window can verify you instead";
    ExitFault => "因故障无法继续，您的信息已清除", "A fault stopped the service. Your data has been cleared";
    // Faults
    FaultTitle => "暂时无法办理", "Service interrupted";
    CentralUnreachable => "暂时无法连接登记中心", "The registration centre cannot be reached right now";
    CentralBusy => "登记中心系统繁忙", "The registration centre is busy";
    CentralDown => "登记中心暂时无法连接", "The registration centre is unavailable";
    SystemFault => "系统故障", "System fault";
    TryLaterOrWindow => "请稍后重试，或到人工窗口办理", "Try again in a moment, or go to a staffed window";
    ReaderDown => "身份证阅读器故障", "The ID-card reader is not working";
    CameraDown => "摄像头故障", "The camera is not working";
    TicketPrinterDown => "凭条打印机故障", "The ticket printer is not working";
    A4PrinterDown => "A4 打印机故障", "The A4 printer is not working";
    PrinterPaperOut => "打印机缺纸", "The printer is out of paper";
    PrinterCoverOpen => "打印机盖未关好", "The printer cover is open";
    PrinterOffline => "打印机无响应", "The printer does not respond";
    PrinterFailed => "打印失败", "Printing failed";
    PrintFailedTodo => "请到人工窗口领取打印件，工作人员会处理打印机", "Please go to a staffed window for your printout; staff will see to the printer";
    PrinterUnavailable => "打印机暂不可用，可拍照记录", "The printer is unavailable; you may take a photo of this screen";
    CardUnreadable => "无法读取身份证", "The ID card cannot be read";
    RefusedIdentityUnknown => "登记系统中未找到您的身份信息", "Your identity is not known to the registration system";
    RefusedVerificationExpired => "身份核验已过期", "The identity verification has expired";
    RefusedNotFound => "未找到相关信息", "Nothing was found";
    RefusedOther => "登记中心拒绝了此次请求", "The registration centre refused the request";
    // Identity
    ConsentTitle => "人脸识别告知与同意", "Face verification: notice and consent";
    ConsentBody => "为核验您是身份证本人，将采集您的人脸图像并与登记中心比对。图像仅用于本次核验，核验后立即删除。", "To verify that you are the card's holder, your face is captured and compared by the registration centre. The images serve only this check and are deleted right after it.";
    ConsentAlternative => "不同意也可以到人工窗口核验身份办理。", "If you do not agree, a staffed window can verify you instead.";
    Accept => "同意", "I agree";
    Decline => "不同意", "I do not agree";
    PlaceCardTitle => "请放置身份证", "Place your ID card";
    PlaceCardBody => "请将身份证放在感应区，办理完成前请勿取走", "Put your ID card on the reader and leave it there until you finish";
    PlaceCardForAge => "请放置身份证，仅读取出生日期用于优先取号", "Place your ID card: only the birth date is read, for priority";
    CardRejected => "身份证读取失败，请重新放置", "The card could not be read; please place it again";
    CardExpired => "身份证已过有效期", "The ID card has expired";
    FaceTitle => "人脸核验", "Face verification";
    FaceBody => "请正对摄像头，按提示动作", "Face the camera and follow the prompts";
    FaceFailedTitle => "人脸核验未通过", "Face verification did not pass";
    FaceNoMotion => "未检测到动作，请按提示转头、点头或眨眼", "No movement seen; please turn, nod or blink as prompted";
    FaceLeft => "人脸离开了画面", "Your face left the picture";
    FaceMultiple => "画面中有多人，请仅一人面对摄像头", "More than one person is in view; only one person please";
    FaceNotMet => "未在规定时间内完成动作", "The movement was not completed in time";
    FaceRefused => "人脸与身份证不一致", "The face does not match the card";
    FaceGiveUp => "多次未通过，请到人工窗口核验身份办理", "Several attempts failed; a staffed window will verify you";
    VerifyingTitle => "正在核验身份", "Verifying your identity";
    // Records
    RecordsTitle => "请选择查询类型", "Choose the query";
    OwnershipQuery => "权属查询", "Ownership query";
    PropertyQuery => "有房无房查询", "Property-holding check";
    PurposeTitle => "查询目的", "Purpose of the query";
    PurposeBody => "查询结果证明将注明查询目的", "The certificate states the purpose of the query";
    UnitsTitle => "您名下的不动产", "Your registered units";
    UnitsCount => "共 {0} 个不动产单元（截至 {1}）", "{0} units (as of {1})";
    UnitDetailTitle => "不动产详情", "Unit details";
    LabelCertificate => "不动产权证书号：{0}", "Certificate number: {0}";
    LabelUnitCode => "不动产单元号：{0}", "Unit code: {0}";
    LabelRightStatus => "权利类型：{0}（{1}）", "Right: {0} ({1})";
    LabelCoOwnership => "共有情况：{0}", "Co-ownership: {0}";
    LabelHolder => "权利人：", "Holder:";
    LabelBuilding => "幢号 {0}，房号 {1}，所在层 {2} / 总层数 {3}", "Building {0}, room {1}, floor {2} of {3}";
    LabelAreas => "建筑面积 {0}㎡，套内 {1}㎡，分摊 {2}㎡", "Floor area {0} m², inner {1} m², shared {2} m²";
    LabelUse => "用途：{0}，房屋性质：{1}，结构：{2}", "Use: {0}, nature: {1}, structure: {2}";
    LabelLand => "土地权利性质：{0}，使用期限至 {1}", "Land right: {0}, term until {1}";
    LabelRegistered => "登记时间：{0}", "Registered on {0}";
    NoRestrictions => "无抵押、查封等限制", "No mortgage, seizure or other restriction";
    RestrictionMortgage => "抵押：{0}，证明号 {1}，金额 {2} 元，{3}，{4} 至 {5}", "Mortgage: {0}, proof {1}, {2} yuan, {3}, {4} to {5}";
    RestrictionSeizure => "查封：{0}，文书号 {1}，{2}，{3} 至 {4}", "Seizure: {0}, document {1}, {2}, {3} to {4}";
    RestrictionObjection => "异议：{0} 登记，{1}", "Objection registered on {0}: {1}";
    RestrictionAdvanceNotice => "预告登记：证明号 {0}", "Advance notice: proof {0}";
    RestrictionPreMortgage => "预抵押：证明号 {0}", "Pre-mortgage: proof {0}";
    RestrictionResidence => "居住权：{0}，期限至 {1}", "Right of residence: {0}, until {1}";
    RestrictionEasement => "地役权：{0}", "Easement: {0}";
    RestrictionLock => "锁定：{0}", "Locked: {0}";
    IssueCertificate => "出具查询结果证明", "Issue the query-result certificate";
    PropertyTitle => "有房无房查询结果", "Property-holding result";
    PropertyHas => "登记有住宅 {0} 套", "{0} residential units registered";
    NoRecordTitle => "查询无记录", "No record";
    NoRecordBody => "未查询到您名下的不动产登记记录，可打印无记录证明", "No registration is recorded in your name; a no-record certificate can be printed";
    NoRecordStatement => "经查询，无不动产登记记录", "No real-estate registration is recorded";
    PreviewTitle => "查询结果证明预览", "Certificate preview";
    LabelQueryNumber => "查询编号：{0}", "Query number: {0}";
    LabelQueryTime => "查询时间：{0}", "Query time: {0}";
    LabelPurpose => "查询目的：{0}", "Purpose: {0}";
    LabelAgency => "登记机构：{0}（{1}）", "Registration agency: {0} ({1})";
    TakeCertificateTitle => "请取走证明和身份证", "Take your certificate and ID card";
    TakeCertificateBody => "证明已打印，请取走证明和身份证", "The certificate is printed: take it and your ID card";
    // Check-in
    CheckInTitle => "预约签到", "Appointment check-in";
    UseCard => "刷身份证", "Use my ID card";
    UseBookingCode => "输入预约码", "Type my booking code";
    CardPathUnavailable => "身份证或摄像头暂不可用，请输入预约码", "The card reader or camera is unavailable; please type your booking code";
    BookingCodeTitle => "输入预约码", "Booking code";
    BookingCodeBody => "请输入预约短信中的数字预约码", "Type the digits of the booking code from your text message";
    BookingCodeInvalid => "预约码为 4 至 16 位数字", "A booking code has 4 to 16 digits";
    AppointmentsTitle => "今日预约", "Today's appointments";
    NoAppointments => "未找到您今天的预约", "No appointment found for today";
    AppointmentSlot => "预约时段 {0}-{1}", "Slot {0}-{1}";
    AppointmentWindow => "可签到 {0}-{1}", "Check-in {0}-{1}";
    TooEarlyTitle => "还未到签到时间", "Too early to check in";
    TooEarlyBody => "您的预约时间 {0}，{1} 起可签到（截至 {2}），现在是 {3}", "Your slot starts at {0}; check-in opens at {1} (until {2}); it is now {3}";
    TooLateTitle => "已超过签到时间", "Check-in has closed";
    TooLateBody => "您的预约时间 {0}，签到已于 {1} 截止", "Your slot started at {0}; check-in closed at {1}";
    WalkInOffer => "您可以领取现场号排队办理", "You can take a walk-in ticket instead";
    TakeWalkIn => "领取现场号", "Take a walk-in ticket";
    AlreadyCheckedIn => "该预约已签到", "This appointment is already checked in";
    AppointmentCancelled => "该预约已取消", "This appointment was cancelled";
    AppointmentNotFound => "未找到该预约", "The appointment was not found";
    DailyCapReached => "今日该业务现场号已发完，请预约其他时间或到人工窗口咨询", "Today's walk-in tickets for this service are all issued; book another day or ask at a staffed window";
    TakeTicketTitle => "请取走排队凭条", "Take your ticket";
    TicketNumber => "排队号 {0}", "Number {0}";
    TicketWindow => "请到 {0} 号窗口", "Window {0}";
    TicketWindowLater => "叫号时显示办理窗口", "The window is shown when your number is called";
    TicketService => "业务：{0}", "Service: {0}";
    TicketAhead => "前面还有 {0} 人，预计等待 {1} 分钟", "{0} people ahead, about {1} minutes";
    // Walk-in
    ServicesTitle => "请选择办理业务", "Choose a service";
    ServiceSeries => "号段 {0}", "Series {0}";
    PriorityTitle => "优先取号", "Priority";
    PriorityBody => "{0} 周岁以上老人（凭身份证）、残疾人、孕妇可优先办理", "Citizens aged {0} or more (ID card), disabled or pregnant citizens are served first";
    PriorityNone => "普通取号", "No priority";
    PriorityElderly => "老年人（刷身份证）", "Elderly (ID card)";
    PriorityDisabled => "残疾人", "Disabled";
    PriorityPregnant => "孕妇", "Pregnant";
    NotElderly => "未满 {0} 周岁，按普通号办理", "Under {0}: a ticket without priority";
    // Case
    CaseTitle => "办件进度查询", "Case progress";
    TypeCaseNumber => "输入受理编号", "Type the case number";
    ScanReceipt => "扫描受理回执二维码", "Show the receipt's QR code";
    QrUnavailable => "摄像头暂不可用，请输入受理编号", "The camera is unavailable; please type the case number";
    CaseNumberTitle => "受理编号", "Case number";
    CaseNumberInvalid => "受理编号只含字母、数字和“-”", "A case number has only letters, digits and '-'";
    CaseNotFound => "未找到该受理编号，请核对后重新输入", "No case with this number; please check it";
    ScanTitle => "扫描二维码", "Scan the QR code";
    ScanBody => "请将受理回执上的二维码对准摄像头", "Hold the receipt's QR code up to the camera";
    CaseProgressTitle => "办件进度", "Case progress";
    CaseSummary => "受理编号 {0}，{1}，{2}", "Case {0}, {1}, {2}";
    StageDone => "{0}：{1} 至 {2}", "{0}: {1} to {2}";
    StageOpen => "{0}：{1} 开始，办理中", "{0}: since {1}, in progress";
    PickupReady => "证书已可领取", "The certificate is ready";
    PickupNotReady => "证书尚未制作完成", "The certificate is not ready yet";
    PickupMethodIs => "领证方式：{0}", "Pickup: {0}";
    PickupWindow => "领证窗口：{0}", "Pickup window: {0}";
    ChangePickup => "选择领证方式", "Choose how to receive it";
    ShowFees => "查看缴费", "Fees";
    PickupTitle => "领证方式", "Pickup method";
    PickupUpdated => "领证方式已更新", "The pickup method is updated";
    PickupLocked => "领证方式已不能更改", "The pickup method can no longer be changed";
    AddressTitle => "邮寄地址", "Courier address";
    RecipientInvalid => "请填写收件人（不超过 50 字）", "Enter the recipient (at most 50 characters)";
    PhoneInvalid => "请填写 11 位手机号码", "Enter an 11-digit mobile number";
    AddressInvalid => "请填写详细地址（不超过 200 字）", "Enter the address (at most 200 characters)";
    PostalCodeInvalid => "邮政编码为 6 位数字", "A postal code has 6 digits";
    FeesTitle => "缴费", "Fees";
    FeesTotal => "合计 {0} 元", "Total {0} yuan";
    FeesPaid => "已缴清", "Paid";
    Pay => "扫码缴费", "Pay by QR code";
    PaymentTitle => "扫码缴费", "Pay by QR code";
    PaymentPending => "请用手机扫码支付，{0} 前有效", "Scan with your phone to pay; valid until {0}";
    PaymentPaid => "缴费成功", "Payment received";
    PaymentExpired => "支付二维码已过期", "The payment code expired";
    PaymentFailed => "支付失败", "The payment failed";
    // Guide
    GuideTitle => "办事指南", "Service guide";
    DimApplicant => "按申请人类型", "By applicant";
    DimJoint => "按联办形式", "By joint handling";
    DimDisposition => "按处分类型", "By kind of disposition";
    DimUse => "按用途", "By use";
    DimRight => "按权利类型", "By right type";
    TopicsTitle => "办事主题", "Topics";
    NoTopics => "此分类下暂无办事主题", "No topic in this class";
    TopicTitle => "所需材料", "Required materials";
    MaterialOriginal => "{0}：原件，{1} 份 {2}", "{0}: original, {1} copies {2}";
    MaterialCopy => "{0}：复印件，{1} 份 {2}", "{0}: copy, {1} copies {2}";
    TopicFee => "登记费 {0} 元", "Registration fee {0} yuan";
    TopicTimeLimit => "办理时限 {0} 个工作日", "Time limit {0} working days";
    PrintChecklist => "打印材料清单", "Print the checklist";
    ChecklistPrinted => "材料清单已打印，请取走", "The checklist is printed; please take it";
    OfflineCopy => "网络中断，显示的是 {0} 分钟前的缓存内容", "Offline: showing a copy from {0} minutes ago";
    // Ask and rate
    AskRateTitle => "我要问 / 我要评", "Ask and rate";
    Faq => "常见问题", "Frequently asked questions";
    Ask => "我要留言", "Leave a question";
    RateCase => "评价办件", "Rate a case";
    RateTicket => "评价排队服务", "Rate a visit";
    CentralUnavailableAskRate => "登记中心暂时无法连接，留言和评价暂不可用", "The registration centre is unreachable: questions and ratings are unavailable";
    QuestionBody => "请输入问题和联系电话，工作人员会回电", "Type your question and a phone number; staff will call you back";
    QuestionInvalid => "请填写问题（不超过 500 字）", "Enter your question (at most 500 characters)";
    QuestionThanks => "留言已提交，工作人员将尽快回复", "Your question is sent; staff will answer soon";
    TypeTicketNumber => "输入排队号（如 A012）", "Type the ticket number (e.g. A012)";
    TicketNumberInvalid => "排队号为一个字母加数字", "A ticket number is a letter and digits";
    RateTitle => "服务评价", "Rate the service";
    RateOnce => "每个办件只能评价一次", "Each case can be rated once";
    ReasonsTitle => "不满意的原因（可多选）", "What went wrong (choose any)";
    ReasonRequired => "请至少选择一个原因", "Choose at least one reason";
    RatingThanks => "感谢您的评价", "Thank you for your rating";
    AlreadyRated => "此办件已评价过，每个办件只能评价一次", "This case was already rated; each case can be rated once";
    RatingTargetNotFound => "未找到该办件或排队号", "No such case or ticket";
    LevelVerySatisfied => "非常满意", "Very satisfied";
    LevelSatisfied => "满意", "Satisfied";
    LevelFairlySatisfied => "基本满意", "Fairly satisfied";
    LevelDissatisfied => "不满意", "Dissatisfied";
    LevelVeryDissatisfied => "非常不满意", "Very dissatisfied";
    ReasonLongWait => "等候时间长", "Waited too long";
    ReasonAttitude => "服务态度差", "Unfriendly staff";
    ReasonEnvironment => "办事环境差", "Poor surroundings";
    ReasonEfficiency => "办事效率低", "Slow handling";
    ReasonOther => "其他", "Other";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn placeholders(s: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            if let Some(close) = after.find('}') {
                out.insert(after[..close].to_owned());
                rest = &after[close + 1..];
            } else {
                break;
            }
        }
        out
    }

    #[test]
    fn every_key_has_both_languages_with_the_same_placeholders() {
        for key in TextKey::ALL {
            assert!(!key.zh().trim().is_empty(), "{key:?} has no Chinese");
            assert!(!key.en().trim().is_empty(), "{key:?} has no English");
            assert!(
                !key.zh().is_ascii() || *key == TextKey::Language,
                "{key:?}: Chinese text looks English"
            );
            assert_eq!(placeholders(key.zh()), placeholders(key.en()), "{key:?}");
        }
    }

    #[test]
    fn fill_replaces_placeholders() {
        assert_eq!(fill("a{0}b{1}c", &["x".into(), "y".into()]), "axbyc");
        assert_eq!(fill("{1}{0}", &["x".into()]), "x");
        assert_eq!(fill("{", &[]), "{");
        assert_eq!(fill("{x}", &[]), "{x}");
    }
}
