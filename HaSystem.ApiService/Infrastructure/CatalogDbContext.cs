using Microsoft.EntityFrameworkCore;

namespace HaSystem.ApiService.Infrastructure;

/// <summary>
/// The primary data source, on SQLite (this type, one file shared by the API replicas of a machine) or on PostgreSQL
/// (<see cref="PostgresCatalogDbContext"/>). One model for both: amounts are whole cents in a 64-bit integer, which
/// SQLite needs (it has no decimal type) and PostgreSQL stores as <c>bigint</c>; each provider has its own migrations.
/// </summary>
public class CatalogDbContext : DbContext
{
    public CatalogDbContext(DbContextOptions<CatalogDbContext> options)
        : base(options)
    {
    }

    /// <summary>For a provider's own context type, so that its migrations are told apart from SQLite's.</summary>
    protected CatalogDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<CatalogUser> Users => Set<CatalogUser>();

    public DbSet<Product> Products => Set<Product>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<PaymentCharge> PaymentCharges => Set<PaymentCharge>();

    public DbSet<SalesReport> SalesReports => Set<SalesReport>();

    public DbSet<Fence> Fences => Set<Fence>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Tenant>(tenant =>
        {
            tenant.HasKey(t => t.Id);
            tenant.Property(t => t.Id).HasMaxLength(32);
            tenant.Property(t => t.Name).HasMaxLength(100);
        });

        modelBuilder.Entity<CatalogUser>(user =>
        {
            user.HasIndex(u => u.UserName).IsUnique();
            user.Property(u => u.UserName).HasMaxLength(100);
            user.Property(u => u.Role).HasMaxLength(20);
            user.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId);
        });

        modelBuilder.Entity<Product>(product =>
        {
            product.HasIndex(p => new { p.TenantId, p.Id });
            product.HasIndex(p => new { p.TenantId, p.Name });
            product.Property(p => p.Name).HasMaxLength(200);
            product.Property(p => p.Description).HasMaxLength(2000);
            product.Property(p => p.Version).IsConcurrencyToken();
            // SQLite has no decimal type: cents in a 64-bit integer keep ordering and arithmetic exact.
            product.Property(p => p.Price).HasConversion(v => (long)(v * 100m), v => v / 100m);
            product.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId);
        });

        modelBuilder.Entity<Order>(order =>
        {
            order.HasIndex(o => new { o.TenantId, o.PlacedBy, o.IdempotencyKey }).IsUnique();
            order.HasIndex(o => new { o.TenantId, o.CreatedAtUtc });
            order.HasIndex(o => new { o.TenantId, o.PlacedBy, o.CreatedAtUtc });
            order.Property(o => o.PlacedBy).HasMaxLength(100);
            order.Property(o => o.IdempotencyKey).HasMaxLength(100);
            order.Property(o => o.RequestHash).HasMaxLength(64);
            order.Property(o => o.Amount).HasConversion(v => (long)(v * 100m), v => v / 100m);
            order.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId);
            order.HasOne<Tenant>().WithMany().HasForeignKey(o => o.TenantId);
        });

        modelBuilder.Entity<OrderLine>(line =>
        {
            line.HasIndex(l => l.ProductId);
            line.Property(l => l.UnitPrice).HasConversion(v => (long)(v * 100m), v => v / 100m);
        });

        // No unique index on purpose: the ledger records every charge, so a double charge shows up in it.
        modelBuilder.Entity<PaymentCharge>(charge =>
        {
            charge.HasIndex(c => new { c.TenantId, c.Reference });
            charge.HasIndex(c => c.IdempotencyKey).IsUnique();
            charge.Property(c => c.Reference).HasMaxLength(200);
            charge.Property(c => c.IdempotencyKey).HasMaxLength(300);
            charge.Property(c => c.Requests).HasDefaultValue(1);
            charge.Property(c => c.ChargedBy).HasMaxLength(100);
            charge.Property(c => c.Amount).HasConversion(v => (long)(v * 100m), v => v / 100m);
        });

        modelBuilder.Entity<SalesReport>(report =>
        {
            // A second guard behind the leader's fencing: a period can be stored once, whoever sends it.
            report.HasIndex(r => new { r.TenantId, r.PeriodStart }).IsUnique();
            report.Property(r => r.ProducedBy).HasMaxLength(100);
            report.Property(r => r.Revenue).HasConversion(v => (long)(v * 100m), v => v / 100m);
            report.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId);
        });

        modelBuilder.Entity<Fence>(fence =>
        {
            fence.HasKey(f => f.Resource);
            fence.Property(f => f.Resource).HasMaxLength(300); // an order's lock key reaches 245 (FenceTests)
            fence.Property(f => f.Holder).HasMaxLength(200);
        });
    }
}
