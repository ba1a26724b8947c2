using System.ComponentModel.DataAnnotations;

namespace HaSystem.ApiService.Identity;

/// <summary>
/// Bound from <c>SignIn:Throttle</c>: how many sign-in attempts that did not succeed one user name, and one client
/// address, may make per window, across all replicas. A successful sign-in gives its attempt back, so the limits only
/// bind a guesser.
/// </summary>
public sealed class SignInThrottleOptions
{
    public const string SectionName = "SignIn:Throttle";

    /// <summary>Failed attempts per user name and window: a guesser of one password gets this many tries.</summary>
    [Range(1, 10_000)]
    public int PerUserName { get; set; } = 10;

    /// <summary>
    /// Failed attempts per client address and window: caps the CPU (one PBKDF2 hash per attempt) a guesser of many
    /// user names can burn. The web front end signs its users in from its own address, so this is shared by them.
    /// </summary>
    [Range(1, 100_000)]
    public int PerClientAddress { get; set; } = 60;

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
