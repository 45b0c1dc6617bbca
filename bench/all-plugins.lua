-- Every plugin of the standard library with its defaults: used by `uptake bench --load`.
return scenario {
  name = "All standard plugins",
  firms = 1000,
  plugins = {
    "aigc-action-plan",
    "budget-tracker",
    "compute-investment",
    "content-regulation",
    "critical-mass-detector",
    "data-sharing",
    "energy-cap",
    "energy-saving-algorithms",
    "industry-alliance",
    "low-interest-loans",
    "mass-media-campaign",
    "rd-subsidy",
    "renewable-transition",
    "special-fund",
    "tax-relief",
    "training-campaign",
  },
}
