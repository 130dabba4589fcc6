using Stream.Core.Events;

namespace Stream.Core.Alerts;

/// <summary>Which event types a rule's condition reads: an event of another type cannot move it (only time can).</summary>
public static class AlertRuleInputs
{
    public static bool MovedBy(AlertRule rule, EventType type)
    {
        // A profile update can move the rule's scope (customer type, region): every rule is looked at again.
        if (type == EventType.ProfileUpdated) return true;
        var interaction = type.Kind() == EventKind.Interaction;
        return rule.Kind switch
        {
            AlertRuleKind.Threshold => rule.Metric switch
            {
                AlertMetric.EngagementRatio or AlertMetric.Interactions7d or AlertMetric.Interactions30d => interaction,
                AlertMetric.SpendRatio or AlertMetric.NetSpend90d or AlertMetric.NetSpend365d or AlertMetric.Clv12m => type is EventType.Purchase or EventType.Refund,
                AlertMetric.Purchases30d or AlertMetric.Purchases90d or AlertMetric.Purchases365d or AlertMetric.RecencyDays or AlertMetric.PAlive => type == EventType.Purchase,
                AlertMetric.Complaints90d => type == EventType.Complaint,
                AlertMetric.NpsAverage90d => type == EventType.SurveyResponse,
                _ => true,
            },
            AlertRuleKind.Count => type == rule.Event,
            AlertRuleKind.Absence => rule.AbsenceOf == AbsenceOf.Purchase ? type == EventType.Purchase : interaction,
            AlertRuleKind.OverduePayment => type is EventType.PaymentDue or EventType.PaymentReceived,
            // Transitions follow the status, which reviews move.
            _ => false,
        };
    }
}
