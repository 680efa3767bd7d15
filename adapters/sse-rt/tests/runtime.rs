//! The runtime seam on the virtual clock: the timer scenario every runtime
//! crate runs, here exact to the millisecond.

use std::sync::Arc;

use sse_rt::test_util::scenarios::{timer_deadlines, TIMER_SCENARIO_WAIT};
use sse_rt::test_util::VirtualRuntime;
use sse_rt::Runtime;

#[test]
fn the_timer_scenario_takes_exactly_its_deadlines_in_virtual_time() {
    let rt = VirtualRuntime::new();
    rt.block_on(timer_deadlines(&rt));
    assert_eq!(rt.elapsed(), TIMER_SCENARIO_WAIT);
}

#[test]
fn the_seam_works_as_a_trait_object() {
    let rt = VirtualRuntime::new();
    let shared: Arc<dyn Runtime> = Arc::new(rt.clone());
    rt.block_on(timer_deadlines(&*shared));
    assert_eq!(rt.elapsed(), TIMER_SCENARIO_WAIT);
    assert_eq!(rt.timers(), 0, "every timer was dropped");
}
