using HaSystem.LockBench;

// hold | contend | bench: see each command's summary. The Redis connection string comes from HASYSTEM_REDIS (a
// Sentinel form "host:port,serviceName=state,password=…" or a plain "host:port"), never from the command line.
try
{
    return args.FirstOrDefault() switch
    {
        "hold" => await HoldCommand.RunAsync(CommandLine.Parse(args)),
        "contend" => await ContendCommand.RunAsync(CommandLine.Parse(args)),
        "bench" => await BenchCommand.RunAsync(CommandLine.Parse(args)),
        _ => Usage(),
    };
}
catch (Exception ex)
{
    // The reason first, on one line, where a caller that keeps the last lines of a long stack trace still sees it.
    Console.Error.WriteLine($"failed: {ex.GetType().Name}: {ex.Message}");
    Console.Error.WriteLine(ex);
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: HaSystem.LockBench hold    --key K --ttl 00:00:02
               HaSystem.LockBench contend --key K --contenders 2 --duration 00:00:10 --ledger FILE --records FILE
               HaSystem.LockBench bench   --contenders 1,8 --duration 00:00:05
        environment: HASYSTEM_REDIS (Redis connection string)
        """);
    return 2;
}
