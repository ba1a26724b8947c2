using System.Text;
using System.Text.Json;

namespace HaSystem.Web.Identity;

/// <summary>
/// The tenant and role inside an API token, read (not validated) to label the web identity. The API validates the
/// token on every call; the front end only needs to know what to show.
/// </summary>
public sealed record TokenClaims(string? Tenant, string? Role)
{
    public static TokenClaims Read(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return new TokenClaims(null, null);
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
            using var json = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            return new TokenClaims(Text(json, "tenant_id"), Text(json, "http://schemas.microsoft.com/ws/2008/06/identity/claims/role") ?? Text(json, "role"));
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return new TokenClaims(null, null);
        }
    }

    private static string? Text(JsonDocument json, string name) =>
        json.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
