//! Flow 5: the service guide.

use super::*;

#[test]
fn browse_offline_and_print_a_checklist() {
    let mut h = H::new();
    h.start(FlowKind::Guide);
    assert_eq!(h.calls(), [CentralCall::Catalogue]);
    h.reply(Reply::Catalogue(Ok(Cached {
        value: catalogue(),
        offline_age_ms: Some(125 * 60_000),
    })));
    assert_eq!(h.screen_id(), ScreenId::GuideDimensions);
    assert!(h.text().contains("网络中断，显示的是 125 分钟前的缓存内容"));
    assert!(
        h.text()
            .contains("Offline: showing a copy from 125 minutes ago")
    );
    assert_eq!(h.screen().items.len(), Dimension::ALL.len());
    h.select(0); // by disposition
    assert_eq!(h.screen_id(), ScreenId::GuideValues);
    assert!(h.text().contains("买卖"));
    h.select(0);
    assert_eq!(h.screen_id(), ScreenId::GuideTopics);
    assert_eq!(h.screen().items.len(), 3);
    h.select(2);
    assert_eq!(h.screen_id(), ScreenId::GuideTopic);
    assert!(h.text().contains("不动产权证书：原件，1 份"));
    assert!(h.text().contains("登记费 80.00 元"));
    h.press(ButtonId::Print);
    assert_eq!(
        h.prints(),
        [PrintJob::Checklist(Box::new(topic("T3", "B")))]
    );
    h.done(Completion::Printed);
    assert!(h.text().contains("材料清单已打印"));
    h.intent(Intent::Back).intent(Intent::Back);
    assert_eq!(h.screen_id(), ScreenId::GuideValues);
    h.select(1); // 赠与: no topic
    assert!(h.text().contains("此分类下暂无办事主题"));
    h.intent(Intent::Back)
        .intent(Intent::Back)
        .intent(Intent::Back);
    h.assert_exit("home");
}

#[test]
fn no_cached_copy_is_a_fault_with_retry() {
    let mut h = H::new();
    h.start(FlowKind::Guide)
        .reply(Reply::Catalogue(Err(CentralFailure::Unreachable)));
    assert_eq!(h.screen_id(), ScreenId::Fault);
    h.press(ButtonId::Retry);
    assert_eq!(h.calls(), [CentralCall::Catalogue]);
}

#[test]
fn checklist_printing_follows_the_printer() {
    let mut h = H::new();
    h.start(FlowKind::Guide)
        .reply(Reply::Catalogue(Ok(fresh(catalogue()))))
        .select(0)
        .select(0)
        .select(0);
    h.device(Device::TicketPrinter, false);
    assert_eq!(
        h.screen_id(),
        ScreenId::GuideTopic,
        "the guide does not need the printer to browse"
    );
    assert!(!h.screen().can_press(ButtonId::Print));
    assert!(h.text().contains("打印机暂不可用"));
    h.device(Device::TicketPrinter, true).press(ButtonId::Print);
    h.done(Completion::PrintFailed(PrintFault::CoverOpen));
    assert!(h.text().contains("打印机盖未关好"));
}
