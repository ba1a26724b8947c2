// Every distributed test class starts a whole system (15+ processes, ~1.6 GiB): on a 2-core machine they run
// one at a time, which also keeps the failover timings meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
