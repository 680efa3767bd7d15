# netns-link-drop on a bad link: `tc netem` delays every packet by 50 ms and
# loses 5%, each way, before and after the link is dropped and restored; both
# clients still get every event exactly once, in order. Skips when the kernel
# has no netem qdisc (CONFIG_NET_SCH_NETEM).
# needs: rust netns
# timeout: 150
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
netns_pair
for end in "$SRV veth-s" "$CLI veth-c"; do
    read -r ns dev <<< "$end"
    error=$(tc -n "$ns" qdisc add dev "$dev" root netem delay 50ms loss 5% 2>&1) ||
        skip "no tc netem on this kernel (sch_netem): $error"
done
stream_over_link 200 2
pass
