namespace Dtc.LisSimulator;

public static class SimulatorExtensions
{
    /// <summary>The simulation as a hosted service; the host needs <c>AddDtcDatabase</c> and <c>AddDtcMessaging</c>.</summary>
    public static IHostApplicationBuilder AddLisSimulator(this IHostApplicationBuilder builder, SimulatorOptions options)
    {
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<KitSource>();
        builder.Services.AddSingleton<LisSimulation>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LisSimulation>());
        return builder;
    }
}
