"""The participant's side, one module per thing a phone serves: `join` (the home page, joining by code or QR,
the QR itself), `board` (the session's board and proposing), `proposal` (a proposal with its comments,
supports and pledges), `vote` (voting rounds and statements), `resolutions` (reading and amending the draft
resolutions), `my_data` (what is stored about this phone, and erasing it), and `follow_up`, the public page
of what became of an assembly's proposals, which anyone may read without joining."""
