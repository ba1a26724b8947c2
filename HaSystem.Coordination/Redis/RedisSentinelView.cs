using System.Globalization;

namespace HaSystem.Coordination.Redis;

/// <summary>
/// What the Sentinels of one role see at one moment: whether the primary is up, how many replicas answer (and could
/// replace it), how many are connected to it and up to date (<see cref="ReplicasOnline"/>), and how many Sentinels answer. It decides two things: whether a failing call should wait for a failover
/// (<see cref="CanRecover"/>) and whether the role has lost redundancy (<see cref="RedundancyProblems"/>).
/// </summary>
public sealed record RedisSentinelView(
    string Role,
    int SentinelsConfigured,
    int SentinelsAnswering,
    int Quorum,
    string? Primary,
    bool PrimaryDown,
    bool FailoverInProgress,
    int ReplicasExpected,
    int ReplicasReachable,
    int ReplicasOnline)
{
    /// <summary>Before the first answer: nothing is known, so nothing is given up on.</summary>
    public static RedisSentinelView Unknown(string role, int sentinels) => new(role, sentinels, -1, 0, null, false, false, 0, 0, 0);

    /// <summary>Whether any Sentinel has answered yet.</summary>
    public bool IsKnown => SentinelsAnswering >= 0;

    /// <summary>A failover needs the quorum to agree the primary is down, and a majority of all Sentinels to authorise it.</summary>
    public bool SentinelsCanFailOver => SentinelsAnswering >= Math.Max(Quorum, SentinelsConfigured / 2 + 1);

    /// <summary>
    /// Whether a call that failed now will succeed if it waits: yes while the primary is up (a reconnect, a moment's
    /// lag) or a failover is under way or possible; no when the primary is down and no replica can replace it, or
    /// when no Sentinel answers to replace it. A replica counts if it answers, whatever its link to the dead primary
    /// says. Unknown counts as yes: the call's deadline still bounds the wait.
    /// </summary>
    public bool CanRecover(bool clientHasPrimary) => !IsKnown
        || FailoverInProgress
        || (SentinelsAnswering == 0 ? clientHasPrimary : !PrimaryDown || (SentinelsCanFailOver && ReplicasReachable > 0));

    /// <summary>Why the role would not survive one more fault; empty when it would.</summary>
    public IReadOnlyList<string> RedundancyProblems(bool clientHasPrimary)
    {
        var problems = new List<string>();
        if (!clientHasPrimary || PrimaryDown)
        {
            problems.Add(FailoverInProgress ? "no primary: a failover is under way" : "no primary");
        }

        if (IsKnown && SentinelsAnswering < SentinelsConfigured)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"{SentinelsAnswering} of {SentinelsConfigured} Sentinels answer (quorum {Quorum}){(SentinelsCanFailOver ? "" : ": no failover can be authorised")}"));
        }

        if (IsKnown && SentinelsAnswering > 0 && ReplicasOnline < ReplicasExpected)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{ReplicasOnline} of {ReplicasExpected} replicas connected"));
        }

        return problems;
    }
}
