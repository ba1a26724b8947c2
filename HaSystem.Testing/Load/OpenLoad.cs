using System.Collections.Concurrent;
using System.Diagnostics;

namespace HaSystem.Testing.Load;

/// <summary>
/// Open-model load: requests leave on a fixed schedule (one every 1/rate seconds) whether or not earlier ones have
/// answered, as independent users do. A closed loop (send, wait, send) would slow down with the system and record
/// fewer, faster samples exactly when it is slow; here every late answer counts from when it was due.
/// </summary>
public sealed class OpenLoad : IDisposable
{
    private static readonly TimeSpan SendAhead = TimeSpan.FromMilliseconds(1);

    private readonly Workload _workload;
    private readonly TimeSpan _origin;
    private readonly ConcurrentQueue<Sample> _samples = new();
    private readonly ConcurrentDictionary<long, TimeSpan> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private Thread? _sender;
    private long _sent;
    private int _inFlight;

    /// <param name="origin">The scenario clock's reading at which this load's schedule starts.</param>
    public OpenLoad(Workload workload, ScenarioClock clock, TimeSpan origin)
    {
        _workload = workload;
        Clock = clock;
        _origin = origin;
    }

    public Workload Workload => _workload;

    public ScenarioClock Clock { get; }

    public IReadOnlyCollection<Sample> Samples => _samples;

    public long Sent => Interlocked.Read(ref _sent);

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>When the oldest request still unanswered was due; <see langword="null"/> when none is.</summary>
    public TimeSpan? OldestUnansweredDue => _pending.IsEmpty ? null : (TimeSpan?)_pending.Values.DefaultIfEmpty(TimeSpan.MaxValue).Min();

    /// <summary>Starts sending on a thread of its own, so that a busy thread pool cannot delay the schedule.</summary>
    public void Start()
    {
        _sender = new Thread(SendOnSchedule) { IsBackground = true, Name = $"load:{_workload.Name}" };
        _sender.Start();
    }

    /// <summary>Stops sending and waits (up to <paramref name="drainTimeout"/>) for the requests still in flight.</summary>
    public async Task StopAsync(TimeSpan drainTimeout)
    {
        await _stop.CancelAsync();
        _sender?.Join();
        var deadline = Stopwatch.StartNew();
        while (InFlight > 0)
        {
            if (deadline.Elapsed > drainTimeout)
            {
                throw new TimeoutException($"{_workload.Name}: {InFlight} requests still unanswered {drainTimeout.TotalSeconds:0} s after the load stopped.");
            }

            await Task.Delay(50);
        }
    }

    private void SendOnSchedule()
    {
        var interval = TimeSpan.FromSeconds(1 / _workload.RatePerSecond);
        for (long n = 0; !_stop.IsCancellationRequested; n++)
        {
            var intended = _origin + interval * n;
            // The timer's resolution is ~1 ms: sleep until a request is due within the next SendAhead, then send it.
            // One sent a little early is measured from when it left, one sent late from when it was due (Sample).
            for (var wait = intended - Clock.Now; wait > SendAhead; wait = intended - Clock.Now)
            {
                if (_stop.Token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Max(1, Math.Floor((wait - SendAhead).TotalMilliseconds)))))
                {
                    return;
                }
            }

            Interlocked.Increment(ref _sent);
            Interlocked.Increment(ref _inFlight);
            var sequence = n;
            _pending[sequence] = intended;
            _ = Task.Run(() => SendOneAsync(sequence, intended));
        }
    }

    private async Task SendOneAsync(long sequence, TimeSpan intended)
    {
        var sent = Clock.Now;
        Outcome outcome;
        try
        {
            outcome = await _workload.SendAsync(sequence, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            outcome = Outcome.Failure(ex.GetType().Name);
        }

        _samples.Enqueue(new Sample(sequence, intended, sent, Clock.Now, outcome));
        _pending.TryRemove(sequence, out _);
        Interlocked.Decrement(ref _inFlight);
    }

    /// <inheritdoc />
    public void Dispose() => _stop.Dispose();
}
