using HaSystem.OrderDrill;

// Places orders at a fixed rate over the given API replicas, each once and without retry, for a fixed time, and
// reports what a user would have seen: failed orders and the longest time without a successful one, overall and after
// each fault that bench/failover-drill.sh wrote to the events file.
var options = DrillOptions.Parse(args);
using var client = await OrderClient.SignInAsync(options);
var answers = await FixedRateLoad.RunAsync(client, options);
var events = DrillEvent.Read(options.EventsFile);
DrillReport.Print(answers, events, options, Console.Out);
if (options.CsvFile is { } csv)
{
    DrillReport.WriteCsv(answers, csv);
}

return 0;
