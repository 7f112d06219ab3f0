# Guest side of `make bench`: waits for the boot to settle, says what it
# runs on, then runs the bench (tests/bench.c), which loads llsock itself.
# Arguments go to the bench.

# The kernel moves from tsc-early to tsc a moment after /init starts; the
# work around that switch would land in the first rows.
clocksource=/sys/devices/system/clocksource/clocksource0/current_clocksource
i=0
while [ "$(cat $clocksource)" != tsc ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 1
echo "bench: kernel $(uname -r), clocksource $(cat $clocksource)"
exec bench "$@"
