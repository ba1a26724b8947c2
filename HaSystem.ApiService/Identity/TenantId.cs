using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace HaSystem.ApiService.Identity;

/// <summary>
/// A validated tenant id: lowercase letters and digits only, so it can never carry a key separator (<c>:</c>), a
/// glob character (<c>*</c>, <c>?</c>, <c>[</c>) or anything else that could reach another tenant's cache keys.
/// </summary>
public readonly partial record struct TenantId
{
    private TenantId(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse([NotNullWhen(true)] string? value, out TenantId tenant)
    {
        tenant = default;
        if (value is null || !Pattern().IsMatch(value))
        {
            return false;
        }

        tenant = new TenantId(value);
        return true;
    }

    public override string ToString() => Value;

    [GeneratedRegex("^[a-z0-9]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
