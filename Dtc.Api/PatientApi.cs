using Dtc.Api.Accounts;
using Dtc.Api.Catalogue;
using Dtc.Api.Kits;
using Dtc.Api.Me;
using Dtc.Api.Notifications;
using Dtc.Api.Orders;
using Dtc.Api.Results;

namespace Dtc.Api;

public static class PatientApi
{
    /// <summary>
    /// Every feature under /api/v1. The group requires a token, so an endpoint is protected unless it says
    /// AllowAnonymous (only sign-up, log-in, refresh, email confirmation and password reset do).
    /// </summary>
    public static RouteGroupBuilder MapPatientApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/api/v1").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        v1.MapAccountsApi();
        v1.MapMeApi();
        v1.MapCatalogueApi();
        v1.MapOrdersApi();
        v1.MapKitsApi();
        v1.MapResultsApi();
        v1.MapNotificationsApi();
        return v1;
    }
}
