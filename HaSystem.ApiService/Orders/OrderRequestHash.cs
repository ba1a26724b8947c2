using System.Security.Cryptography;
using System.Text;

namespace HaSystem.ApiService.Orders;

/// <summary>What "the same request" means for a repeated idempotency key.</summary>
public static class OrderRequestHash
{
    /// <summary>SHA-256 of the request in a fixed form: its lines in the order sent, as <c>{product}x{quantity}</c>.</summary>
    public static string Hash(this OrderRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join(';', request.Items.Select(i => $"{i.ProductId}x{i.Quantity}")))));
    }
}
