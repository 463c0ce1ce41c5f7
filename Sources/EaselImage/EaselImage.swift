/// Images, masks, PNG/JPEG input and output, resizing and the ControlNet image conventions.
