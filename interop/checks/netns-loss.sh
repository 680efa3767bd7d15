# netns-link-drop on a lossy link, for kernels without netem: nftables drops
# 5% of the TCP packets arriving in each namespace (numgen random), before and
# after the link is dropped and restored; both clients still get every event
# exactly once, in order (and packets were in fact dropped).
# needs: rust netns nft
# timeout: 150
# shellcheck source=../lib/common.sh
source "$INTEROP/lib/common.sh"
netns_pair
for ns in "$SRV" "$CLI"; do
    error=$(ip netns exec "$ns" nft -f - 2>&1 <<'RULES'
table inet loss {
    chain in {
        type filter hook input priority 0;
        meta l4proto tcp numgen random mod 100 < 5 counter drop
    }
}
RULES
    ) || skip "no nftables here: $error"
done
stream_over_link 200 2
dropped=$(ip netns exec "$CLI" nft list ruleset | sed -n 's/.* counter packets \([0-9]*\) .*/\1/p')
((dropped > 0)) || fail "no packet was dropped: the loss rule did not apply"
echo "$dropped packets dropped on the way to the clients"
pass
