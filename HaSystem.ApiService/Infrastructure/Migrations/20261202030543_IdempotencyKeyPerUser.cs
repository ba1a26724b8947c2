using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HaSystem.ApiService.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class IdempotencyKeyPerUser : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Orders_TenantId_IdempotencyKey",
                table: "Orders");

            migrationBuilder.CreateIndex(
                name: "IX_Orders_TenantId_PlacedBy_IdempotencyKey",
                table: "Orders",
                columns: new[] { "TenantId", "PlacedBy", "IdempotencyKey" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Orders_TenantId_PlacedBy_IdempotencyKey",
                table: "Orders");

            migrationBuilder.CreateIndex(
                name: "IX_Orders_TenantId_IdempotencyKey",
                table: "Orders",
                columns: new[] { "TenantId", "IdempotencyKey" },
                unique: true);
        }
    }
}
