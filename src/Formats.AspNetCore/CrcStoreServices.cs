using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Formats.AspNetCore;

/// <summary>A <see cref="ResilientCrcStore"/> in an app's services: its health check, its logger and its last writes.</summary>
public static class CrcStoreServices
{
    /// <summary>The name of the health check <see cref="AddResilientCrcStore"/> adds.</summary>
    public const string HealthCheckName = "crc-store";

    /// <summary>
    /// Registers <paramref name="store"/>: a health check named <see cref="HealthCheckName"/> that reports
    /// <see cref="HealthStatus.Degraded"/> while the store fails (archives go on without it), the host's logger for
    /// its warning and information (category <c>Formats.AspNetCore.ResilientCrcStore</c>), and, when the host stops,
    /// the queued writes given their chance to reach the store. Map the checks with <c>MapHealthChecks</c>.
    /// </summary>
    public static IServiceCollection AddResilientCrcStore(this IServiceCollection services, ResilientCrcStore store)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(store);
        services.AddSingleton(store);
        services.AddHostedService(provider => new Lifetime(store, provider.GetRequiredService<ILogger<ResilientCrcStore>>()));
        services.AddHealthChecks().AddCheck(HealthCheckName, new HealthCheck(store), HealthStatus.Degraded);
        return services;
    }

    private sealed class Lifetime(ResilientCrcStore store, ILogger<ResilientCrcStore> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            store.UseLogger(logger);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => store.DisposeAsync().AsTask();
    }

    private sealed class HealthCheck(ResilientCrcStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken) =>
            await store.CheckAsync(cancellationToken).ConfigureAwait(false)
                ? HealthCheckResult.Healthy("the CRC store answers")
                : new HealthCheckResult(context.Registration.FailureStatus, $"the CRC store fails ({store.Problem}); archives go on without it");
    }
}
