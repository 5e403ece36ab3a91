"""The staff side, one module per desk: `accounts` (sign in and out, invitations, password resets),
`assemblies` (the dashboard of assemblies and their sessions), `console` (the facilitator's console and its
acts), `outcomes` (answers, pledges, action items and the brief downloads), `resolutions` (the resolutions
desk), `portal` (the officials' portal), and `projector`, the hall's public screen, kept here because the
facilitator opens and drives it from the console."""
