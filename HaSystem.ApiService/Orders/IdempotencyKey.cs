using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace HaSystem.ApiService.Orders;

/// <summary>
/// The client's <see cref="ApiHeaders.IdempotencyKey"/> header: 1–100 letters, digits, <c>-</c>, <c>_</c> or <c>.</c> (a UUID fits),
/// so it can be part of a Redis key without reaching another key.
/// </summary>
public readonly partial record struct IdempotencyKey
{
    private IdempotencyKey(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse([NotNullWhen(true)] string? value, out IdempotencyKey key)
    {
        key = default;
        if (value is null || !Pattern().IsMatch(value))
        {
            return false;
        }

        key = new IdempotencyKey(value);
        return true;
    }

    public override string ToString() => Value;

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
