using System.Globalization;

namespace HaSystem.Web.Components.Common;

/// <summary>Amounts as the pages show them: two decimals, the same on every machine whatever its culture.</summary>
public static class Money
{
    public static string Format(decimal amount) => amount.ToString("#,##0.00", CultureInfo.InvariantCulture);
}
