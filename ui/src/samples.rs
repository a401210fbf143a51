//! One sample view per template, with realistic bilingual texts: for screenshots
//! (`examples/screens.rs`, `kiosk demo`), UI tests and benchmarks. Not flow logic.

use crate::view::{
    Button, ButtonStyle, Countdown, Entry, FormField, Icon, Item, Keys, Picture, ScreenKind,
    ScreenView, Section, Text, TimeoutWarning,
};

fn t(zh: &str, en: &str) -> Text {
    Text::new(zh, en)
}

/// The services menu.
pub fn menu() -> ScreenView {
    let mut v = ScreenView::new(
        ScreenKind::Menu,
        t(
            "不动产登记自助服务",
            "Real-estate registration self-service",
        ),
    );
    v.prompt = t("请选择您要办理的业务", "Please choose a service");
    v.back = false;
    v.home = false;
    v.items = vec![
        Item::new("records", t("权属查询", "Ownership records"))
            .icon(Icon::Records)
            .detail(t("查询并打印证明", "Query and print a certificate")),
        Item::new("no-home", t("有房无房查询", "Home ownership check"))
            .icon(Icon::Certificate)
            .detail(t("打印有房无房证明", "Print a home-ownership certificate")),
        Item::new("checkin", t("预约签到", "Appointment check-in"))
            .icon(Icon::Checkin)
            .detail(t("已预约的市民", "If you booked a time")),
        Item::new("ticket", t("现场取号", "Take a number"))
            .icon(Icon::Ticket)
            .detail(t("排队办理业务", "Queue for a window")),
        Item::new("progress", t("办件进度", "Case progress"))
            .icon(Icon::Progress)
            .detail(t("查询、领证、缴费", "Status, pickup, fees")),
        Item::new("guide", t("办事指南", "Service guide"))
            .icon(Icon::Guide)
            .detail(t("所需材料清单", "What to bring")),
        Item::new("ask", t("咨询留言", "Ask a question")).icon(Icon::Ask),
        Item::new("rate", t("服务评价", "Rate our service")).icon(Icon::Rate),
    ];
    v
}

/// The consent notice before the face check.
pub fn notice() -> ScreenView {
    let mut v = ScreenView::new(
        ScreenKind::Notice,
        t(
            "人脸识别告知与同意",
            "Face verification: notice and consent",
        ),
    );
    v.prompt = t("请阅读并选择是否同意", "Please read and choose");
    v.body = t(
        "为核实您的身份，本机将读取您的居民身份证，并通过摄像头采集您的面部图像，与身份证照片进行比对。\n\n面部图像仅在本次核验期间保存在本机内存中，核验结束后立即删除，不会上传或保存。\n\n查询记录（查询编号、时间、结果）将按规定留存，不包含面部图像和完整身份证号码。\n\n如您不同意人脸核验，可以前往人工窗口办理。",
        "To confirm who you are, this kiosk reads your ID card and takes pictures of your face with its camera to compare them with the card's photo.\n\nThe pictures stay in this kiosk's memory only while we check, and are deleted right after. They are never uploaded or stored.\n\nA record of the query (number, time, result) is kept as the rules require, without face pictures and without your full ID number.\n\nIf you do not agree to the face check, a staffed window can help you.",
    );
    v.buttons = vec![
        Button::new(
            "decline",
            t("不同意", "I do not agree"),
            ButtonStyle::Secondary,
        ),
        Button::new("agree", t("同意并继续", "I agree"), ButtonStyle::Primary),
    ];
    v
}

/// "Place your ID card".
pub fn place_card() -> ScreenView {
    let mut v = ScreenView::new(ScreenKind::PlaceCard, t("身份核验", "Identity check"));
    v.prompt = t("请将身份证放在读卡区", "Place your ID card on the reader");
    v.body = t(
        "放好后请勿移动，读取约需 2 秒",
        "Keep it still; reading takes about 2 seconds",
    );
    v
}

/// The face check over a camera frame (a synthetic gradient stands in for the camera).
pub fn face_check() -> ScreenView {
    let mut v = ScreenView::new(ScreenKind::FaceCheck, t("人脸核验", "Face check"));
    v.prompt = t("请缓慢向左转头", "Slowly turn your head to the left");
    v.countdown = Some(Countdown {
        remaining_s: 7,
        total_s: 10,
    });
    let (w, h) = (320u32, 240u32);
    let mut rgba = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let r = (90 + x * 80 / w) as u8;
            let g = (100 + y * 60 / h) as u8;
            rgba.extend_from_slice(&[r, g, 120, 255]);
        }
    }
    v.picture = Some(Picture {
        width: w,
        height: h,
        rgba,
    });
    v
}

/// The list of units (one holder's records), with a rare-character name.
pub fn list() -> ScreenView {
    let mut v = ScreenView::new(ScreenKind::List, t("不动产单元", "Your property units"));
    v.prompt = t(
        "共 3 条记录，请选择查看详情",
        "3 records; choose one to see its detail",
    );
    v.items = vec![
        Item::new(
            "u1",
            t(
                "朝阳区望京西园三区 312 号楼 5 单元 1102",
                "Unit 1102, Block 5, Bldg 312, Wangjing Xiyuan III, Chaoyang",
            ),
        )
        .icon(Icon::Records)
        .detail(t(
            "权利人：王𠮷　京(2021)朝阳区不动产权第0012345号",
            "Holder: 王𠮷 · Certificate 京(2021)朝阳区不动产权第0012345号",
        )),
        Item::new(
            "u2",
            t(
                "海淀区学院路 20 号院 7 号楼 302",
                "Unit 302, Bldg 7, No. 20 Xueyuan Rd, Haidian",
            ),
        )
        .icon(Icon::Records)
        .detail(t("权利人：刘䶮　抵押中", "Holder: 刘䶮 · Mortgaged")),
        Item::new(
            "u3",
            t(
                "通州区新华大街 88 号 2-1-601",
                "Unit 2-1-601, No. 88 Xinhua St, Tongzhou",
            ),
        )
        .icon(Icon::Records)
        .detail(t("查封登记，详情请到窗口", "Seized; ask at a window"))
        .disabled(),
    ];
    v
}

/// A unit's detail: rights and restrictions.
pub fn detail() -> ScreenView {
    let mut v = ScreenView::new(ScreenKind::Detail, t("单元详情", "Unit detail"));
    v.sections = vec![
        Section {
            heading: t("权利信息", "Rights"),
            lines: vec![
                t(
                    "坐落：朝阳区望京西园三区 312 号楼 5 单元 1102",
                    "Location: Unit 1102, Block 5, Bldg 312, Wangjing Xiyuan III",
                ),
                t("权利人：王𠮷（共同共有）", "Holder: 王𠮷 (joint)"),
                t(
                    "用途：住宅　面积：89.62 平方米",
                    "Use: residential · Area: 89.62 m²",
                ),
            ],
        },
        Section {
            heading: t("限制信息", "Restrictions"),
            lines: vec![
                t(
                    "抵押：中国建设银行北京分行，2021-06-15 至 2051-06-14",
                    "Mortgage: China Construction Bank Beijing, 2021-06-15 to 2051-06-14",
                ),
                t("无查封、无异议登记", "No seizure, no objection"),
            ],
        },
    ];
    v.buttons = vec![Button::new(
        "print",
        t("打印证明", "Print certificate"),
        ButtonStyle::Primary,
    )];
    v
}

/// The booking-code keypad.
pub fn entry() -> ScreenView {
    let mut v = ScreenView::new(ScreenKind::Entry, t("预约签到", "Appointment check-in"));
    v.prompt = t(
        "预约码在预约短信中",
        "The code is in your booking text message",
    );
    v.entry = Some(Entry {
        label: t("请输入 6 位预约码", "Enter your 6-digit booking code"),
        masked: false,
        max_len: 6,
        extra_key: None,
        keys: Keys::Digits,
    });
    v
}

/// The case-number entry on the ABC keyboard.
pub fn case_number() -> ScreenView {
    let mut v = ScreenView::new(ScreenKind::Entry, t("办件进度查询", "Case progress"));
    v.prompt = t(
        "受理编号在受理回执上，如 BDC-2026-000101",
        "The case number is on your receipt, e.g. BDC-2026-000101",
    );
    v.entry = Some(Entry {
        label: t("输入受理编号", "Type the case number"),
        masked: false,
        max_len: 20,
        extra_key: None,
        keys: Keys::Alphanumeric,
    });
    v
}

/// The courier address form.
pub fn address_form() -> ScreenView {
    let mut v = ScreenView::new(ScreenKind::Form, t("邮寄地址", "Courier address"));
    v.prompt = t(
        "证书将以快递寄出，请填写收件信息",
        "The certificate is sent by courier; where should it go?",
    );
    v.form = vec![
        FormField::new("recipient", t("收件人", "Recipient"), Keys::Text, 50),
        FormField::new("phone", t("手机号码", "Mobile number"), Keys::Digits, 11),
        FormField::new("address", t("详细地址", "Address"), Keys::Text, 200),
        FormField::new("postal_code", t("邮政编码", "Postal code"), Keys::Digits, 6),
    ];
    v
}

/// The question form.
pub fn question_form() -> ScreenView {
    let mut v = ScreenView::new(ScreenKind::Form, t("我要留言", "Leave a question"));
    v.prompt = t(
        "请输入问题和联系电话，工作人员会回电",
        "Type your question and a phone number; staff will call you back",
    );
    v.form = vec![
        FormField::new("question", t("问题", "Question"), Keys::Text, 200),
        FormField::new("phone", t("手机号码", "Mobile number"), Keys::Digits, 11),
    ];
    v
}

/// A document preview (a synthetic page stands in for the certificate).
pub fn preview() -> ScreenView {
    let mut v = ScreenView::new(ScreenKind::Preview, t("证明预览", "Certificate preview"));
    v.prompt = t("请核对后打印", "Check it, then print");
    let (w, h) = (210u32, 297u32);
    let mut rgba = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let line = y > 40 && y % 12 < 3 && x > 20 && x < 190;
            let seal = (x as i32 - 150).pow(2) + (y as i32 - 240).pow(2) < 600;
            let px = if seal {
                [200, 30, 30, 255]
            } else if line {
                [60, 60, 60, 255]
            } else {
                [255, 255, 255, 255]
            };
            rgba.extend_from_slice(&px);
        }
    }
    v.picture = Some(Picture {
        width: w,
        height: h,
        rgba,
    });
    v.buttons = vec![
        Button::new("cancel", t("取消", "Cancel"), ButtonStyle::Secondary),
        Button::new("print", t("打印（A4）", "Print (A4)"), ButtonStyle::Primary),
    ];
    v
}

/// Waiting for central, with progress.
pub fn waiting() -> ScreenView {
    let mut v = ScreenView::new(ScreenKind::Waiting, t("正在查询", "Searching"));
    v.prompt = t("正在查询，请稍候", "Searching, please wait");
    v.body = t(
        "请不要取走身份证",
        "Please leave your ID card on the reader",
    );
    v.progress = Some(0.4);
    v.back = false;
    v
}

/// Done: take the certificate and the ID card.
pub fn result() -> ScreenView {
    let mut v = ScreenView::new(ScreenKind::Result, t("打印完成", "Printed"));
    v.prompt = t(
        "请取走您的证明和身份证",
        "Please take your certificate and ID card",
    );
    v.items = vec![
        Item::new("cert", t("查询结果证明 1 份", "1 query-result certificate"))
            .icon(Icon::Certificate)
            .detail(t("在下方出纸口", "From the slot below")),
        Item::new("card", t("居民身份证", "Your ID card"))
            .icon(Icon::IdCard)
            .detail(t("在读卡区", "On the reader")),
    ];
    v.buttons = vec![Button::new("done", t("完成", "Done"), ButtonStyle::Primary)];
    v.back = false;
    v
}

/// A device fault.
pub fn fault() -> ScreenView {
    let mut v = ScreenView::new(ScreenKind::Fault, t("打印机故障", "Printer problem"));
    v.prompt = t(
        "A4 打印机缺纸，证明未能打印",
        "The A4 printer is out of paper; nothing was printed",
    );
    v.body = t(
        "请到 3 号人工窗口领取证明，无需重新排队",
        "Please go to window 3 for your certificate; no need to queue again",
    );
    v.items = vec![Item::new("window", t("3 号窗口", "Window 3")).icon(Icon::Window)];
    v.back = false;
    v
}

/// A service out of service.
pub fn out_of_service() -> ScreenView {
    let mut v = ScreenView::new(ScreenKind::OutOfService, t("暂停服务", "Out of service"));
    v.prompt = t("人脸核验暂停使用", "The face check is out of service");
    v.body = t(
        "取号、办事指南等其他业务仍可使用；查询请到人工窗口",
        "Tickets, the service guide and other services still work; for records, please go to a staffed window",
    );
    v.back = false;
    v
}

/// The menu under the time-out warning.
pub fn timeout_warning() -> ScreenView {
    let mut v = list();
    v.timeout_warning = Some(TimeoutWarning {
        remaining_s: Some(20),
        can_extend: true,
    });
    v
}

/// Every sample with a file-name stem.
pub fn all() -> Vec<(&'static str, ScreenView)> {
    vec![
        ("menu", menu()),
        ("notice", notice()),
        ("place-card", place_card()),
        ("face-check", face_check()),
        ("list", list()),
        ("detail", detail()),
        ("entry", entry()),
        ("case-number", case_number()),
        ("address-form", address_form()),
        ("question-form", question_form()),
        ("preview", preview()),
        ("waiting", waiting()),
        ("result", result()),
        ("fault", fault()),
        ("out-of-service", out_of_service()),
        ("timeout-warning", timeout_warning()),
    ]
}
